import { describe, expect, it } from 'vitest';
import { applyEvent, reduce } from '../../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun } from '../../src/state/types.js';
import { atOf, finished, lane, runStarted, stamp, started } from './builders.js';

const fold = (events: OrchestrationEvent[]): OrchestrationRun | null =>
  events.reduce<OrchestrationRun | null>((run, e) => applyEvent(run, e), null);

/** One WP through implement -> rejected review -> failed retry -> fallback -> approved. */
const fullCycle: NewEvent[] = [
  runStarted('run-1', ['WP01', 'WP02'], { WP02: ['WP01'] }),
  lane('WP01', 'claimed'), // seq 2
  lane('WP01', 'in_progress'),
  started('WP01', 'implementation', 'claude', 1),
  finished('WP01', 'implementation', 'claude', 1, { costUsd: 0.5, tokens: { input: 100, output: 50 } }),
  lane('WP01', 'for_review'),
  started('WP01', 'review', 'codex', 1),
  finished('WP01', 'review', 'codex', 1, { costUsd: 0.25, tokens: { input: 10, output: 5 } }),
  {
    type: 'review_verdict',
    wp: 'WP01',
    agent: 'codex',
    verdict: 'changes_requested',
    summary: 'missing tests',
    findings: [{ location: 'src/a.ts:3', message: 'untested branch' }],
  },
  lane('WP01', 'in_progress'),
  started('WP01', 'implementation', 'claude', 2),
  finished('WP01', 'implementation', 'claude', 2, { success: false, costUsd: 0.125 }),
  { type: 'agent_cooldown', agent: 'claude', until: '2025-03-01T11:00:00.000Z', reason: 'rate limited' },
  {
    type: 'fallback',
    wp: 'WP01',
    role: 'implementation',
    from: 'claude',
    to: 'gemini',
    reason: 'rate limited',
  },
  started('WP01', 'implementation', 'gemini', 3),
  finished('WP01', 'implementation', 'gemini', 3, { costUsd: 1, tokens: { input: 1000, output: 500 } }),
  lane('WP01', 'for_review'),
  started('WP01', 'review', 'codex', 2),
  finished('WP01', 'review', 'codex', 2, { costUsd: 0.125 }),
  { type: 'review_verdict', wp: 'WP01', agent: 'codex', verdict: 'approved', summary: 'good', findings: [] },
  lane('WP01', 'done'), // seq 21
  { type: 'wp_failed', wp: 'WP02', reason: 'every agent failed WP02' },
  { type: 'run_finished', status: 'failed', message: '1 of 2 WPs failed' }, // seq 23
];

describe('reduce', () => {
  it('is null without a run_started', () => {
    expect(reduce([])).toBeNull();
    expect(reduce(stamp([lane('WP01', 'done')]))).toBeNull();
    expect(fold(stamp([lane('WP01', 'done')]))).toBeNull();
  });

  it('starts a run with every WP planned', () => {
    const run = reduce(stamp([runStarted('r', ['WP01', 'WP02'], { WP02: ['WP01'] })]))!;
    expect(run).toMatchObject({
      runId: 'r',
      feature: '001-demo',
      status: 'running',
      wpsTotal: 2,
      lastSeq: 1,
    });
    expect(run.startedAt).toBe(atOf(1));
    expect(run.workPackages.WP02).toMatchObject({
      lane: 'planned',
      dependencies: ['WP01'],
      title: 'Title of WP02',
    });
  });

  it('follows a WP through rejection, a failed retry and a fallback', () => {
    const run = reduce(stamp(fullCycle))!;
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('done');
    expect(wp.implementationAgent).toBe('gemini');
    expect(wp.reviewAgent).toBe('codex');
    expect(wp.implementationRetries).toBe(2);
    expect(wp.reviewRounds).toBe(2);
    expect(wp.fallbackAgentsTried).toEqual(['claude']);
    expect(wp.reviewFeedback).toEqual({ verdict: 'approved', summary: 'good', findings: [] });
    expect(wp.startedAt).toBe(atOf(2));
    expect(wp.completedAt).toBe(atOf(21));
    expect(wp.attempts.map((a) => [a.role, a.agent, a.attempt, a.success])).toEqual([
      ['implementation', 'claude', 1, true],
      ['review', 'codex', 1, true],
      ['implementation', 'claude', 2, false],
      ['implementation', 'gemini', 3, true],
      ['review', 'codex', 2, true],
    ]);
    expect(wp.attempts[2]).toMatchObject({ errorClass: 'rate_limit', exitCode: 1, finishedAt: atOf(12) });
    expect(wp.attempts[0]).toMatchObject({ logFile: '/logs/WP01-implementation-1.log', startedAt: atOf(4) });
  });

  it('sums cost and tokens per WP and per run', () => {
    const run = reduce(stamp(fullCycle))!;
    // Binary fractions: the sums are exact.
    expect(run.workPackages.WP01!.costUsd).toBe(2);
    expect(run.costUsd).toBe(2);
    expect(run.workPackages.WP01!.tokens).toEqual({ input: 1110, output: 555 });
    expect(run.tokens).toEqual({ input: 1110, output: 555 });
    expect(run.workPackages.WP01!.attempts[3]).toMatchObject({
      costUsd: 1,
      tokens: { input: 1000, output: 500 },
    });
  });

  it('derives run counters and the end of the run', () => {
    const run = reduce(stamp(fullCycle))!;
    expect(run).toMatchObject({
      status: 'failed',
      message: '1 of 2 WPs failed',
      completedAt: atOf(23),
      updatedAt: atOf(23),
      lastSeq: 23,
      wpsCompleted: 1,
      wpsFailed: 1,
      totalInvocations: 5,
      retries: 3, // two implementation attempts and one review beyond the first
      fallbacks: 1,
      parallelPeak: 1,
      agentCooldowns: { claude: '2025-03-01T11:00:00.000Z' },
    });
    expect(run.workPackages.WP02).toMatchObject({ lane: 'failed', lastError: 'every agent failed WP02' });
  });

  it('does not count running an interrupted attempt again as a retry', () => {
    const events: NewEvent[] = [
      runStarted('r1', ['WP01']),
      started('WP01', 'implementation', 'claude', 1),
      { type: 'run_resumed', runId: 'r1' },
      started('WP01', 'implementation', 'claude', 2),
    ];
    const resumed = reduce(stamp(events))!;
    expect(resumed.retries).toBe(0);
    expect(resumed.workPackages.WP01!.implementationRetries).toBe(0);
    // A real failure followed by another attempt is a retry.
    const failed = [...events, finished('WP01', 'implementation', 'claude', 2, { success: false })];
    const retried = reduce(stamp([...failed, started('WP01', 'implementation', 'codex', 3)]))!;
    expect(retried.retries).toBe(1);
    expect(retried.workPackages.WP01!.implementationRetries).toBe(1);
  });

  it('records a blocked WP with the WP that blocks it', () => {
    const run = reduce(
      stamp([runStarted('r', ['WP01', 'WP02']), { type: 'wp_blocked', wp: 'WP02', by: 'WP01' }]),
    )!;
    expect(run.workPackages.WP02).toMatchObject({ lane: 'blocked', lastError: 'blocked by WP01' });
  });

  it('counts the most WPs with an attempt in flight at once', () => {
    const overlapping = stamp([
      runStarted('r', ['WP01', 'WP02', 'WP03']),
      started('WP01', 'implementation', 'a', 1),
      started('WP02', 'implementation', 'b', 1),
      finished('WP01', 'implementation', 'a', 1),
      started('WP03', 'implementation', 'c', 1),
      finished('WP02', 'implementation', 'b', 1),
      started('WP01', 'review', 'b', 1),
      finished('WP03', 'implementation', 'c', 1),
      finished('WP01', 'review', 'b', 1),
    ]);
    expect(reduce(overlapping)!.parallelPeak).toBe(2);
    const allAtOnce = stamp([
      runStarted('r', ['WP01', 'WP02', 'WP03']),
      started('WP01', 'implementation', 'a', 1),
      started('WP02', 'implementation', 'b', 1),
      started('WP03', 'implementation', 'c', 1),
    ]);
    expect(reduce(allAtOnce)!.parallelPeak).toBe(3);
  });

  it('keeps only the last run of a log holding several', () => {
    const first = [...fullCycle];
    const second: NewEvent[] = [
      runStarted('run-2', ['WP01', 'WP02']),
      lane('WP01', 'done'),
      started('WP02', 'implementation', 'qwen', 1),
      finished('WP02', 'implementation', 'qwen', 1, { costUsd: 0.5 }),
    ];
    const events = stamp([...first, ...second]);
    const run = reduce(events)!;
    expect(run).toMatchObject({
      runId: 'run-2',
      status: 'running',
      costUsd: 0.5,
      totalInvocations: 1,
      fallbacks: 0,
    });
    expect(run.startedAt).toBe(atOf(first.length + 1));
    expect(run.agentCooldowns).toEqual({});
    expect(run.workPackages.WP01!.attempts).toEqual([]);
    expect(fold(events)).toEqual(run);
  });

  it('ignores event types it does not know, but still advances lastSeq', () => {
    const events = stamp([runStarted('r', ['WP01'])]);
    const future = {
      seq: 2,
      at: atOf(2),
      type: 'wp_teleported',
      wp: 'WP01',
      to: 'mars',
    } as unknown as OrchestrationEvent;
    const run = reduce([...events, future])!;
    expect(run.lastSeq).toBe(2);
    expect(run.updatedAt).toBe(atOf(2));
    expect(run.workPackages.WP01!.lane).toBe('planned');
    expect(applyEvent(reduce(events)!, future).lastSeq).toBe(2);
  });

  it('ignores events about WPs the run does not have, yet counts their cost for the run', () => {
    const run = reduce(
      stamp([
        runStarted('r', ['WP01']),
        lane('WP09', 'done'),
        finished('WP09', 'implementation', 'a', 1, { costUsd: 1 }),
      ]),
    )!;
    expect(run.workPackages.WP09).toBeUndefined();
    expect(run.wpsCompleted).toBe(0);
    expect(run.costUsd).toBe(1);
  });

  it('closes attempts left open by a pause, and runs again on resume', () => {
    const events = stamp([
      runStarted('r', ['WP01', 'WP02']),
      lane('WP01', 'in_progress'),
      started('WP01', 'implementation', 'a', 1),
      { type: 'run_finished', status: 'paused', message: 'interrupted' },
      { type: 'run_resumed', runId: 'r' },
      started('WP02', 'implementation', 'b', 1),
    ]);
    const run = reduce(events)!;
    expect(run).toMatchObject({ status: 'running', completedAt: null, message: null, parallelPeak: 1 });
    expect(run.workPackages.WP01!.attempts[0]).toMatchObject({ success: false, finishedAt: atOf(4) });
    expect(run.totalInvocations).toBe(1);
    expect(fold(events)).toEqual(run);
  });

  it('re-opens a failed WP: it stops counting as failed and loses its finish time', () => {
    const run = reduce(
      stamp([
        runStarted('r', ['WP01']),
        { type: 'wp_failed', wp: 'WP01', reason: 'x' },
        lane('WP01', 'planned'),
      ]),
    )!;
    expect(run.wpsFailed).toBe(0);
    expect(run.workPackages.WP01).toMatchObject({ lane: 'planned', completedAt: null, lastError: 'x' });
  });

  it('applyEvent never mutates the run or the event it is given', () => {
    const events = stamp(fullCycle);
    let run: OrchestrationRun | null = null;
    for (const event of events) {
      const frozenRun: OrchestrationRun | null = run ? deepFreeze(structuredClone(run)) : null;
      const next: OrchestrationRun | null = applyEvent(frozenRun, deepFreeze(structuredClone(event)));
      if (frozenRun) expect(frozenRun).toEqual(run);
      run = next;
    }
    expect(run).toEqual(reduce(events));
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
