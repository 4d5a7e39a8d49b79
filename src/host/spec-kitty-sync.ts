import PQueue from 'p-queue';
import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { Feature, Lane } from '../feature/types.js';
import type { OrchestrationEvent } from '../state/types.js';
import type { SpecKittyCli } from './spec-kitty-cli.js';
import { readSpecKittyView, syncTag, type SpecKittyView } from './spec-kitty-log.js';

/**
 * Tells spec-kitty what the run does, from our event log: lane transitions, subtask marks, review results and
 * history notes. The event log is the truth; this is its mirror. Calls run one at a time on a background queue
 * (each is seconds of Python), so agents never wait for them, except a claim, which waits for the transitions
 * queued before it (a dependent's claim needs its dependency `done` in spec-kitty first).
 *
 * Exactly once across crashes: every note and transition reason carries a tag naming our run and event
 * (`syncTag`); on resume the run's events are replayed here and whatever spec-kitty's log already holds
 * (by tag, or by lane for calls without a note) is skipped.
 */
export interface SpecKittySync {
  /** Takes one recorded event (in order); queues what spec-kitty must hear of it. */
  observe(event: OrchestrationEvent): void;
  /** Runs a gating call (a claim) in queue order, ahead of pending history notes. */
  exclusive<T>(task: (view: SpecKittyView) => Promise<T>): Promise<T>;
  /** Resolves when everything observed so far has been sent (or refused, with a warning). */
  flush(): Promise<void>;
}

export interface SyncOptions {
  cli: SpecKittyCli;
  feature: Feature;
  /** The actor spec-kitty records for our moves; also how we recognise our own claims. */
  actor: string;
  /** The `--policy` JSON for an agent. */
  policy: (agent: string | undefined) => string;
  redact: (text: string) => string;
  logger: Logger;
}

/** Queue priorities: lane moves and claims keep their order; notes may wait behind them. */
const MOVE = 1;
const NOTE = 0;

interface Approval {
  reviewer: string;
  verdict: 'approved';
  reference: string;
  /** The review's summary and findings, for the history. */
  text: string;
}

export function createSpecKittySync(options: SyncOptions): SpecKittySync {
  const queue = new PQueue({ concurrency: 1 });
  const mission = options.feature.slug;
  let viewLoaded: Promise<SpecKittyView> | null = null;
  const view = () => (viewLoaded ??= readSpecKittyView(options.feature.dir));
  let runId = '';
  const ours = new Set<string>();
  const implementer = new Map<string, string>();
  const approvals = new Map<string, Approval>();

  const enqueue = (priority: number, label: string, task: (v: SpecKittyView) => Promise<void>) => {
    void queue.add(
      async () => {
        try {
          await task(await view());
        } catch (error) {
          options.logger.warn(`spec-kitty did not take ${label}: ${errorMessage(error)}`);
        }
      },
      { priority },
    );
  };

  /** A lane move, skipped when spec-kitty's log shows it already made (by its tag, or the lane). */
  const move = (wp: string, to: Lane, tag: string, args: string[], before?: () => Promise<void>) =>
    enqueue(MOVE, `${wp}'s move to ${to}`, async (v) => {
      if (v.sentTags.has(tag) || v.lanes.get(wp)?.lane === to) return;
      await before?.();
      await options.cli.api(['transition', '--mission', mission, '--wp', wp, '--to', to, ...args]);
      v.lanes.set(wp, { lane: to, actor: options.actor });
      v.sentTags.add(tag);
    });

  const note = (wp: string, tag: string, text: string) =>
    enqueue(NOTE, `a history note on ${wp}`, async (v) => {
      if (v.sentTags.has(tag)) return;
      const body = `${options.redact(text)} ${tag}`;
      await options.cli.api([
        'append-history',
        '--mission',
        mission,
        '--wp',
        wp,
        '--actor',
        options.actor,
        '--note',
        body,
      ]);
      v.sentTags.add(tag);
    });

  const common = (agent: string | undefined, text: string, tag: string) => [
    '--actor',
    options.actor,
    '--policy',
    options.policy(agent),
    '--note',
    `${options.redact(text)} ${tag}`,
  ];

  const handlers: Partial<{
    [T in OrchestrationEvent['type']]: (e: Extract<OrchestrationEvent, { type: T }>, tag: string) => void;
  }> = {
    lane_changed: (e, tag) => {
      if (e.lane === 'in_progress') ours.add(e.wp);
      if (!ours.has(e.wp)) return;
      const agent = implementer.get(e.wp);
      if (e.lane === 'for_review') {
        const subtasks =
          options.feature.workPackages.find((wp) => wp.id === e.wp)?.subtasks.map((s) => s.id) ?? [];
        move(e.wp, 'for_review', tag, common(agent, `implemented by ${agent ?? 'an agent'}`, tag), () =>
          options.cli.markSubtasksDone(mission, subtasks),
        );
      } else if (e.lane === 'in_review') {
        enqueue(MOVE, `${e.wp}'s review start`, async (v) => {
          if (v.lanes.get(e.wp)?.lane !== 'for_review') return;
          await options.cli.api([
            'start-review',
            '--mission',
            mission,
            '--wp',
            e.wp,
            '--actor',
            options.actor,
            '--policy',
            options.policy(agent),
          ]);
          v.lanes.set(e.wp, { lane: 'in_review', actor: options.actor });
        });
      } else if (e.lane === 'done') {
        // in_review -> done in one legitimate move, carrying the review result and the evidence `done` asks
        // for: one Python start-up fewer per WP than stopping at `approved` first.
        const approval = approvals.get(e.wp);
        if (!approval) return;
        const { text, ...review } = approval;
        move(e.wp, 'done', tag, [
          ...common(review.reviewer, text, tag),
          ...['--review-result-json', JSON.stringify(review)],
          ...['--evidence-json', JSON.stringify({ review })],
        ]);
      }
    },
    attempt_finished: (e, tag) => {
      if (e.role === 'implementation' && e.success) implementer.set(e.wp, e.agent);
      if (!ours.has(e.wp) || e.success) return;
      const why = [e.errorClass, e.summary].filter(Boolean).join(': ');
      note(e.wp, tag, `${e.role} attempt ${e.attempt} by ${e.agent} failed (${why || `exit ${e.exitCode}`})`);
    },
    fallback: (e, tag) => {
      if (ours.has(e.wp)) note(e.wp, tag, `${e.role}: fell back from ${e.from} to ${e.to} (${e.reason})`);
    },
    review_verdict: (e, tag) => {
      if (!ours.has(e.wp)) return;
      const reference = `kitty-orchestrator:${runId.slice(0, 8)}:${e.wp}:review:${e.seq}`;
      const findings = e.findings.map((f) => `- ${f.message}`).join('\n');
      const text = `review by ${e.agent}: ${e.verdict}. ${e.summary}${findings ? `\n${findings}` : ''}`;
      if (e.verdict === 'approved') {
        approvals.set(e.wp, { reviewer: e.agent, verdict: 'approved', reference, text });
        return;
      }
      const result = JSON.stringify({ reviewer: e.agent, verdict: e.verdict, reference });
      move(e.wp, 'in_progress', tag, [...common(e.agent, text, tag), '--review-result-json', result]);
    },
    wp_failed: (e, tag) => {
      if (ours.has(e.wp)) move(e.wp, 'blocked', tag, common(undefined, `failed: ${e.reason}`, tag));
    },
  };

  return {
    observe: (event) => {
      if (event.type === 'run_started') {
        runId = event.runId;
        ours.clear();
        approvals.clear();
        implementer.clear();
      } else if (event.type === 'run_resumed') runId = event.runId;
      const handler = handlers[event.type] as ((e: OrchestrationEvent, tag: string) => void) | undefined;
      handler?.(event, syncTag(runId, event.seq));
    },
    exclusive: (task) => queue.add(async () => task(await view()), { priority: MOVE, throwOnTimeout: true }),
    flush: () => queue.onIdle(),
  };
}
