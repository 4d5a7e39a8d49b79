import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '../../src/agents/types.js';
import { ROLES } from '../../src/config/schema.js';
import { LANES } from '../../src/feature/types.js';
import { applyEvent, foldInPlace, reduce } from '../../src/state/reduce.js';
import { RUN_STATUSES, type NewEvent, type OrchestrationRun } from '../../src/state/types.js';
import { stamp } from './builders.js';

// A few WPs and agents, plus an id the runs never declare, so events collide and hit the odd cases often.
const wpId = fc.constantFrom('WP01', 'WP02', 'WP03', 'WP99');
const agent = fc.constantFrom('claude', 'codex', 'gemini');
const role = fc.constantFrom(...ROLES);
const attempt = fc.integer({ min: 1, max: 4 });
const cost = fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined });
const tokens = fc.option(fc.record({ input: fc.nat(10_000), output: fc.nat(10_000) }), { nil: undefined });

const newEvent: fc.Arbitrary<NewEvent> = fc.oneof(
  fc.record({
    type: fc.constant('run_started' as const),
    runId: fc.constantFrom('r1', 'r2'),
    feature: fc.constant('001-demo'),
    configHash: fc.constant('h'),
    workPackages: fc
      .uniqueArray(wpId, { maxLength: 3 })
      .map((ids) =>
        ids.filter((id) => id !== 'WP99').map((id) => ({ id, title: id, dependencies: ['WP01'] })),
      ),
  }),
  fc.record({ type: fc.constant('run_resumed' as const), runId: fc.constant('r1') }),
  fc.record({ type: fc.constant('lane_changed' as const), wp: wpId, lane: fc.constantFrom(...LANES) }),
  fc.record({
    type: fc.constant('attempt_started' as const),
    wp: wpId,
    role,
    agent,
    attempt,
    logFile: fc.constant('/l.log'),
  }),
  fc
    .record({
      wp: wpId,
      role,
      agent,
      attempt,
      success: fc.boolean(),
      errorClass: fc.option(fc.constantFrom(...ERROR_CLASSES), { nil: undefined }),
      exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      costUsd: cost,
      tokens,
    })
    .map(({ errorClass, costUsd, tokens: t, ...rest }) => ({
      type: 'attempt_finished' as const,
      summary: 's',
      durationMs: 5,
      ...rest,
      ...(errorClass ? { errorClass } : {}),
      ...(costUsd === undefined ? {} : { costUsd }),
      ...(t ? { tokens: t } : {}),
    })),
  fc.record({
    type: fc.constant('review_verdict' as const),
    wp: wpId,
    agent,
    verdict: fc.constantFrom('approved' as const, 'changes_requested' as const),
    summary: fc.string(),
    findings: fc.array(fc.record({ message: fc.string() }), { maxLength: 2 }),
  }),
  fc.record({
    type: fc.constant('fallback' as const),
    wp: wpId,
    role,
    from: agent,
    to: agent,
    reason: fc.string(),
  }),
  fc.record({
    type: fc.constant('agent_cooldown' as const),
    agent,
    until: fc.constant('2030-01-01T00:00:00Z'),
    reason: fc.string(),
  }),
  fc.record({ type: fc.constant('wp_failed' as const), wp: wpId, reason: fc.string() }),
  fc.record({ type: fc.constant('wp_blocked' as const), wp: wpId, by: wpId }),
  fc.record({
    type: fc.constant('run_finished' as const),
    status: fc.constantFrom(...RUN_STATUSES.filter((s) => s !== 'running')),
    message: fc.string(),
  }),
  // A type from a newer version.
  fc.constant({ type: 'wp_teleported', wp: 'WP01' } as unknown as NewEvent),
);

const eventLog = fc.array(newEvent, { maxLength: 60 }).map((events) => stamp(events));

describe('reduce (properties)', () => {
  it('never throws, and folding applyEvent gives what reduce gives', () => {
    fc.assert(
      fc.property(eventLog, (events) => {
        const reduced = reduce(events);
        const folded = events.reduce<OrchestrationRun | null>((run, e) => applyEvent(run, e), null);
        expect(folded).toEqual(reduced);
      }),
      { numRuns: 500 },
    );
  });

  it('folding in place, from a run that applyEvent built, gives what reduce gives', () => {
    fc.assert(
      fc.property(eventLog, fc.nat(60), (events, split) => {
        // Start in place from a copy-on-write run part-way, as the recorder starts from a reduced history.
        const head = events.slice(0, split).reduce<OrchestrationRun | null>((r, e) => applyEvent(r, e), null);
        const folded = events.slice(split).reduce((run, e) => foldInPlace(run, e), structuredClone(head));
        expect(folded).toEqual(reduce(events));
      }),
      { numRuns: 500 },
    );
  });

  it('computes parallelPeak as the most WPs whose latest attempt was open at once', () => {
    fc.assert(
      fc.property(eventLog, (events) => {
        // Reference: fold, and after every event count the open WPs by scanning (what the reducer avoids).
        let run: OrchestrationRun | null = null;
        let peak = 0;
        for (const event of events) {
          run = applyEvent(run, event);
          if (event.type === 'run_started') peak = 0;
          // A structuredClone has no cached count: this also exercises the reducer's recount path.
          if (run && event.type !== 'run_started') run = structuredClone(run);
          const open = run
            ? Object.values(run.workPackages).filter((wp) => wp.attempts.at(-1)?.finishedAt === null).length
            : 0;
          peak = Math.max(peak, open);
        }
        expect(reduce(events)?.parallelPeak ?? 0).toBe(peak);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps its derived counters consistent with the WPs', () => {
    fc.assert(
      fc.property(eventLog, (events) => {
        const run = reduce(events);
        if (!run) return;
        const wps = Object.values(run.workPackages);
        expect(run.wpsTotal).toBe(wps.length);
        expect(run.wpsCompleted).toBe(wps.filter((wp) => wp.lane === 'done').length);
        expect(run.wpsFailed).toBe(wps.filter((wp) => wp.lane === 'failed').length);
        expect(run.parallelPeak).toBeLessThanOrEqual(run.wpsTotal);
        expect(run.lastSeq).toBe(events.at(-1)!.seq);
        expect(run.updatedAt).toBe(events.at(-1)!.at);
        for (const wp of wps) {
          const impl = wp.attempts.filter((a) => a.role === 'implementation').length;
          expect(wp.implementationRetries).toBe(Math.max(0, impl - 1));
        }
        const wpCost = wps.reduce((sum, wp) => sum + wp.costUsd, 0);
        expect(run.costUsd).toBeGreaterThanOrEqual(wpCost - 1e-9);
      }),
      { numRuns: 500 },
    );
  });
});
