import { newWp } from '../../src/state/reduce.js';
import type { AttemptRecord, OrchestrationRun, WPExecution } from '../../src/state/types.js';

/** A WP execution with sensible defaults; `overrides` win. */
export function wpExecution(wpId: string, overrides: Partial<WPExecution> = {}): WPExecution {
  return { ...newWp(wpId, `Work package ${wpId}`, []), ...overrides };
}

export function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    role: 'implementation',
    agent: 'sim',
    attempt: 1,
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: '2026-11-25T10:01:05.000Z',
    success: true,
    summary: 'implemented',
    errorClass: null,
    exitCode: 0,
    logFile: '.kittify/logs/001-demo/WP01-implementation-1.log',
    costUsd: 0.1,
    tokens: { input: 1000, output: 200 },
    ...overrides,
  };
}

/** A run over `wps`, its counters derived from the WPs so renderers see a consistent picture. */
export function orchestrationRun(
  wps: WPExecution[],
  overrides: Partial<OrchestrationRun> = {},
): OrchestrationRun {
  const sum = (f: (wp: WPExecution) => number) => wps.reduce((total, wp) => total + f(wp), 0);
  return {
    runId: 'run-0001',
    feature: '001-demo',
    configHash: 'abc123',
    status: 'running',
    startedAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:05:00.000Z',
    completedAt: null,
    message: null,
    wpsTotal: wps.length,
    wpsCompleted: wps.filter((wp) => wp.lane === 'done').length,
    wpsFailed: wps.filter((wp) => wp.lane === 'failed').length,
    parallelPeak: 2,
    totalInvocations: sum((wp) => wp.attempts.length),
    retries: 0,
    fallbacks: 0,
    costUsd: sum((wp) => wp.costUsd),
    tokens: { input: sum((wp) => wp.tokens.input), output: sum((wp) => wp.tokens.output) },
    agentCooldowns: {},
    workPackages: Object.fromEntries(wps.map((wp) => [wp.wpId, wp])),
    lastSeq: 42,
    ...overrides,
  };
}

/** A mid-run picture: one WP done, one in review, one failed, one blocked, one planned. */
export function mixedRun(overrides: Partial<OrchestrationRun> = {}): OrchestrationRun {
  return orchestrationRun(
    [
      wpExecution('WP01', {
        title: 'Cart model | with a pipe',
        lane: 'done',
        implementationAgent: 'claude-code',
        reviewAgent: 'codex',
        attempts: [attempt({ agent: 'claude-code' }), attempt({ role: 'review', agent: 'codex' })],
        reviewFeedback: {
          verdict: 'approved',
          summary: 'Looks good; one nit.',
          findings: [{ location: 'src/cart.ts:12', message: 'prefer `const` here, @octocat' }],
        },
        startedAt: '2026-11-25T10:00:00.000Z',
        completedAt: '2026-11-25T10:02:05.000Z',
        costUsd: 0.42,
        tokens: { input: 12_000, output: 3_400 },
      }),
      wpExecution('WP02', {
        title: 'Checkout <form>',
        lane: 'in_review',
        implementationAgent: 'codex',
        reviewAgent: 'claude-code',
        attempts: [
          attempt({ agent: 'codex' }),
          attempt({ role: 'review', agent: 'claude-code', finishedAt: null }),
        ],
        reviewRounds: 1,
        startedAt: '2026-11-25T10:02:05.000Z',
        costUsd: 0.005,
      }),
      wpExecution('WP03', {
        title: 'Payment gateway',
        lane: 'failed',
        implementationAgent: 'gemini',
        attempts: [
          attempt({ agent: 'gemini', success: false, errorClass: 'rate_limit', summary: 'HTTP 429' }),
        ],
        lastError: 'every agent failed: gemini rate_limit (HTTP 429), claude-code auth',
        startedAt: '2026-11-25T10:00:00.000Z',
        completedAt: '2026-11-25T10:03:00.000Z',
      }),
      wpExecution('WP04', {
        title: 'Receipts',
        lane: 'blocked',
        dependencies: ['WP03'],
        lastError: 'blocked by WP03',
      }),
      wpExecution('WP05', { title: 'Docs', lane: 'planned' }),
    ],
    { retries: 2, fallbacks: 1, ...overrides },
  );
}

/** A run of `count` WPs with long titles, for size-limit tests. */
export function hugeRun(count: number): OrchestrationRun {
  const wps = Array.from({ length: count }, (_, i) =>
    wpExecution(`WP${String(i + 1).padStart(4, '0')}`, {
      title: `A rather long work package title number ${i + 1} `.repeat(4),
      lane: 'failed',
      lastError: 'x'.repeat(300),
      implementationAgent: 'claude-code',
      costUsd: 1.5,
    }),
  );
  return orchestrationRun(wps, {
    status: 'paused',
    message: 'WP0001 failed every agent',
    completedAt: '2026-11-25T11:00:00.000Z',
  });
}
