/**
 * Hand-made event logs folded through the real reducer: the runs the terminal renderers are tested on.
 * Times are fixed (UTC) so elapsed times and costs in snapshots never move.
 */
import { reduce } from '../../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun } from '../../src/state/types.js';

export const T0 = Date.parse('2026-01-15T12:00:00.000Z');
/** `now` for a run still going: 12 min 34 s after it started. */
export const NOW = new Date(T0 + (12 * 60 + 34) * 1000);

/** A log under construction: each event is stamped at `minute` minutes after T0. */
class Log {
  readonly events: OrchestrationEvent[] = [];
  at(minute: number, ...events: NewEvent[]): this {
    for (const event of events) {
      const at = new Date(T0 + minute * 60_000).toISOString();
      this.events.push({ ...event, seq: this.events.length + 1, at });
    }
    return this;
  }
  run(): OrchestrationRun {
    const run = reduce(this.events);
    if (!run) throw new Error('fixture has no run_started');
    return run;
  }
}

export const start = (
  wp: string,
  role: 'implementation' | 'review',
  agent: string,
  attempt = 1,
): NewEvent => ({
  type: 'attempt_started',
  wp,
  role,
  agent,
  attempt,
  logFile: `.kittify/logs/001-checkout-flow/${wp}-${role}-${attempt}.log`,
});

export const finish = (
  wp: string,
  role: 'implementation' | 'review',
  agent: string,
  extra: Partial<Extract<NewEvent, { type: 'attempt_finished' }>> = {},
): NewEvent => ({
  type: 'attempt_finished',
  wp,
  role,
  agent,
  attempt: 1,
  success: true,
  summary: `${agent} finished ${wp}`,
  exitCode: 0,
  durationMs: 120_000,
  costUsd: 0.25,
  tokens: { input: 20_000, output: 4_000 },
  ...extra,
});

export const lane = (wp: string, to: Extract<NewEvent, { type: 'lane_changed' }>['lane']): NewEvent => ({
  type: 'lane_changed',
  wp,
  lane: to,
});

const WPS = [
  { id: 'WP01', title: 'Cart model and persistence', dependencies: [] },
  { id: 'WP02', title: 'Checkout API endpoints', dependencies: ['WP01'] },
  { id: 'WP03', title: 'Payment provider adapter', dependencies: ['WP01'] },
  { id: 'WP04', title: 'Order confirmation e-mails', dependencies: [] },
  {
    id: 'WP05',
    title: 'Checkout page with a very long title that will not fit a narrow terminal',
    dependencies: ['WP02', 'WP03'],
  },
  { id: 'WP06', title: 'Refund flow', dependencies: ['WP04'] },
];

/** The log of a run in full swing: one WP done, two at work, one failed, one blocked, one waiting. */
function midRunLog(): Log {
  return new Log()
    .at(0, {
      type: 'run_started',
      runId: 'r-20260115-1200',
      feature: '001-checkout-flow',
      configHash: 'h',
      workPackages: WPS,
    })
    .at(0, lane('WP01', 'in_progress'), start('WP01', 'implementation', 'claude-code'))
    .at(0, lane('WP04', 'in_progress'), start('WP04', 'implementation', 'claude-code'))
    .at(3, finish('WP01', 'implementation', 'claude-code', { costUsd: 0.42 }), lane('WP01', 'for_review'))
    .at(3, start('WP01', 'review', 'codex'))
    .at(4, finish('WP01', 'review', 'codex', { costUsd: 0.08, summary: 'looks right' }))
    .at(4, {
      type: 'review_verdict',
      wp: 'WP01',
      agent: 'codex',
      verdict: 'approved',
      summary: 'ok',
      findings: [],
    })
    .at(4, lane('WP01', 'done'))
    .at(4, lane('WP02', 'in_progress'), start('WP02', 'implementation', 'claude-code'))
    .at(
      5,
      finish('WP04', 'implementation', 'claude-code', {
        success: false,
        errorClass: 'rate_limit',
        exitCode: 1,
        costUsd: 0,
        tokens: { input: 0, output: 0 },
        summary: '429 Too Many Requests',
      }),
    )
    .at(5, {
      type: 'agent_cooldown',
      agent: 'claude-code',
      until: new Date(T0 + 35 * 60_000).toISOString(),
      reason: 'rate limit',
    })
    .at(5, {
      type: 'fallback',
      wp: 'WP04',
      role: 'implementation',
      from: 'claude-code',
      to: 'gemini',
      reason: 'rate limited',
    })
    .at(5, start('WP04', 'implementation', 'gemini', 2))
    .at(
      7,
      finish('WP04', 'implementation', 'gemini', {
        attempt: 2,
        success: false,
        errorClass: 'auth',
        exitCode: 41,
        costUsd: 0,
        summary: 'Please set an Auth method in your settings.json',
      }),
    )
    .at(7, { type: 'wp_failed', wp: 'WP04', reason: 'every agent failed: gemini: auth (exit 41)' })
    .at(7, { type: 'wp_blocked', wp: 'WP06', by: 'WP04' })
    .at(8, lane('WP03', 'in_progress'), start('WP03', 'implementation', 'codex'))
    .at(10, finish('WP03', 'implementation', 'codex', { costUsd: 0.31 }), lane('WP03', 'in_review'))
    .at(10, start('WP03', 'review', 'claude-code'));
}

/** A run still going, seen at NOW. */
export function midRun(): OrchestrationRun {
  return midRunLog().run();
}

/** The same run after the user pressed Ctrl+C at minute 13. */
export function pausedRun(): OrchestrationRun {
  return midRunLog()
    .at(13, { type: 'run_finished', status: 'paused', message: 'interrupted by the user (Ctrl+C)' })
    .run();
}

/** A small run where every WP is done, one after a retry, one after a round of review changes. */
export function completedRun(): OrchestrationRun {
  return new Log()
    .at(0, {
      type: 'run_started',
      runId: 'r-20260115-1200',
      feature: '001-checkout-flow',
      configHash: 'h',
      workPackages: WPS.slice(0, 2),
    })
    .at(0, lane('WP01', 'in_progress'), start('WP01', 'implementation', 'claude-code'))
    .at(
      1,
      finish('WP01', 'implementation', 'claude-code', {
        success: false,
        errorClass: 'crash',
        exitCode: 1,
        costUsd: 0.05,
      }),
    )
    .at(1, start('WP01', 'implementation', 'claude-code', 2))
    .at(
      4,
      finish('WP01', 'implementation', 'claude-code', { attempt: 2, costUsd: 0.4 }),
      lane('WP01', 'for_review'),
    )
    .at(4, start('WP01', 'review', 'codex'))
    .at(5, finish('WP01', 'review', 'codex', { costUsd: 0.1 }))
    .at(5, {
      type: 'review_verdict',
      wp: 'WP01',
      agent: 'codex',
      verdict: 'approved',
      summary: 'ok',
      findings: [],
    })
    .at(5, lane('WP01', 'done'), lane('WP02', 'in_progress'), start('WP02', 'implementation', 'claude-code'))
    .at(
      8,
      finish('WP02', 'implementation', 'claude-code', { costUsd: 0.5 }),
      start('WP02', 'review', 'codex'),
    )
    .at(9, finish('WP02', 'review', 'codex', { costUsd: 0.1 }))
    .at(9, {
      type: 'review_verdict',
      wp: 'WP02',
      agent: 'codex',
      verdict: 'changes_requested',
      summary: 'missing input validation',
      findings: [{ location: 'src/api/checkout.ts:42', message: 'validate the quantity' }],
    })
    .at(9, start('WP02', 'implementation', 'claude-code', 2))
    .at(
      11,
      finish('WP02', 'implementation', 'claude-code', { attempt: 2, costUsd: 0.2 }),
      start('WP02', 'review', 'codex', 2),
    )
    .at(12, finish('WP02', 'review', 'codex', { attempt: 2, costUsd: 0.1 }))
    .at(12, {
      type: 'review_verdict',
      wp: 'WP02',
      agent: 'codex',
      verdict: 'approved',
      summary: 'ok',
      findings: [],
    })
    .at(12, lane('WP02', 'done'))
    .at(12, { type: 'run_finished', status: 'completed', message: 'all 2 work packages done' })
    .run();
}

/** The events of the mid-run log, for the plain and JSON views. */
export function midRunEvents(): OrchestrationEvent[] {
  return midRunLog().events;
}
