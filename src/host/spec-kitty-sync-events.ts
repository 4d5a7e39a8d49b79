import type { Feature } from '../feature/types.js';
import type { OrchestrationEvent } from '../state/types.js';
import type { SyncCalls } from './spec-kitty-sync-calls.js';

/** What the sync remembers of the current run, from its events. */
export interface RunMemory {
  runId: string;
  /** WPs this run works on (it moved them to in_progress): the only ones it tells spec-kitty about. */
  ours: Set<string>;
  /** The agent whose implementation succeeded, per WP (named in the policy of later moves). */
  implementer: Map<string, string>;
  /** An approving review, per WP, carried by the move to `done`. */
  approvals: Map<string, Approval>;
  reset(runId: string): void;
}

interface Approval {
  reviewer: string;
  verdict: 'approved';
  reference: string;
  /** The review's summary and findings, for the history. */
  text: string;
}

export function newRunMemory(): RunMemory {
  const memory: RunMemory = {
    runId: '',
    ours: new Set(),
    implementer: new Map(),
    approvals: new Map(),
    reset: (runId) => {
      memory.runId = runId;
      memory.ours.clear();
      memory.implementer.clear();
      memory.approvals.clear();
    },
  };
  return memory;
}

type Handlers = Partial<{
  [T in OrchestrationEvent['type']]: (e: Extract<OrchestrationEvent, { type: T }>, tag: string) => void;
}>;

/** What spec-kitty must hear of each kind of event (the rest it need not know). */
export function eventHandlers(calls: SyncCalls, feature: Feature, memory: RunMemory): Handlers {
  const { ours, implementer, approvals } = memory;
  return {
    lane_changed: (e, tag) => {
      if (e.lane === 'in_progress') ours.add(e.wp);
      if (ours.has(e.wp)) laneChanged(calls, feature, memory, e, tag);
    },
    attempt_finished: (e, tag) => {
      if (e.role === 'implementation' && e.success) implementer.set(e.wp, e.agent);
      if (!ours.has(e.wp) || e.success) return;
      const why = [e.errorClass, e.summary].filter(Boolean).join(': ');
      calls.note(
        e.wp,
        tag,
        `${e.role} attempt ${e.attempt} by ${e.agent} failed (${why || `exit ${e.exitCode}`})`,
      );
    },
    fallback: (e, tag) => {
      if (ours.has(e.wp))
        calls.note(e.wp, tag, `${e.role}: fell back from ${e.from} to ${e.to} (${e.reason})`);
    },
    review_verdict: (e, tag) => {
      if (!ours.has(e.wp)) return;
      const reference = `kitty-orchestrator:${memory.runId.slice(0, 8)}:${e.wp}:review:${e.seq}`;
      const findings = e.findings.map((f) => `- ${f.message}`).join('\n');
      const text = `review by ${e.agent}: ${e.verdict}. ${e.summary}${findings ? `\n${findings}` : ''}`;
      if (e.verdict === 'approved') {
        approvals.set(e.wp, { reviewer: e.agent, verdict: 'approved', reference, text });
        return;
      }
      const result = JSON.stringify({ reviewer: e.agent, verdict: e.verdict, reference });
      calls.move(e.wp, 'in_progress', tag, [
        ...calls.common(e.agent, text, tag),
        '--review-result-json',
        result,
      ]);
    },
    wp_failed: (e, tag) => {
      if (ours.has(e.wp))
        calls.move(e.wp, 'blocked', tag, calls.common(undefined, `failed: ${e.reason}`, tag));
    },
  };
}

function laneChanged(
  calls: SyncCalls,
  feature: Feature,
  memory: RunMemory,
  e: Extract<OrchestrationEvent, { type: 'lane_changed' }>,
  tag: string,
): void {
  const agent = memory.implementer.get(e.wp);
  if (e.lane === 'for_review') {
    const subtasks = feature.workPackages.find((wp) => wp.id === e.wp)?.subtasks.map((s) => s.id) ?? [];
    calls.move(
      e.wp,
      'for_review',
      tag,
      calls.common(agent, `implemented by ${agent ?? 'an agent'}`, tag),
      () => calls.markSubtasksDone(subtasks),
    );
  } else if (e.lane === 'in_review') {
    calls.startReview(e.wp, agent);
  } else if (e.lane === 'done') {
    // in_review -> done in one legitimate move, carrying the review result and the evidence `done` asks
    // for: one call fewer per WP than stopping at `approved` first.
    const approval = memory.approvals.get(e.wp);
    if (!approval) return;
    const { text, ...review } = approval;
    calls.move(e.wp, 'done', tag, [
      ...calls.common(review.reviewer, text, tag),
      ...['--review-result-json', JSON.stringify(review)],
      ...['--evidence-json', JSON.stringify({ review })],
    ]);
  }
}
