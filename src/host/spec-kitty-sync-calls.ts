import type { Lane } from '../feature/types.js';
import type { SpecKittyQueue } from './spec-kitty-queue.js';
import type { SyncOptions } from './spec-kitty-sync.js';

/** The spec-kitty calls the sync makes, each queued and skipped when spec-kitty's log shows it made. */
export interface SyncCalls {
  /** `transition --to <lane>` with `args`, after `before` (e.g. marking subtasks). */
  move(wp: string, to: Lane, tag: string, args: string[], before?: () => Promise<void>): void;
  /** `start-review` for a WP that is `for_review` in spec-kitty. */
  startReview(wp: string, agent: string | undefined): void;
  /** `append-history` with the note and its tag. */
  note(wp: string, tag: string, text: string): void;
  /** `--actor`, `--policy` and a tagged `--note`: what every lane move of ours carries. */
  common(agent: string | undefined, text: string, tag: string): string[];
  markSubtasksDone(subtasks: readonly string[]): Promise<void>;
}

export function createSyncCalls(options: SyncOptions, queue: SpecKittyQueue): SyncCalls {
  const mission = options.feature.slug;
  const { cli, actor } = options;
  return {
    move: (wp, to, tag, args, before) =>
      queue.move(wp, `${wp}'s move to ${to}`, async (v) => {
        if (v.sentTags.has(tag) || v.lanes.get(wp)?.lane === to) return;
        await before?.();
        await cli.api(['transition', '--mission', mission, '--wp', wp, '--to', to, ...args]);
        v.lanes.set(wp, { lane: to, actor });
        v.sentTags.add(tag);
      }),
    startReview: (wp, agent) =>
      queue.move(wp, `${wp}'s review start`, async (v) => {
        if (v.lanes.get(wp)?.lane !== 'for_review') return;
        const who = ['--actor', actor, '--policy', options.policy(agent)];
        await cli.api(['start-review', '--mission', mission, '--wp', wp, ...who]);
        v.lanes.set(wp, { lane: 'in_review', actor });
      }),
    note: (wp, tag, text) =>
      queue.note(`a history note on ${wp}`, async (v) => {
        if (v.sentTags.has(tag)) return;
        const body = `${options.redact(text)} ${tag}`;
        await cli.api(['append-history', '--mission', mission, '--wp', wp, '--actor', actor, '--note', body]);
        v.sentTags.add(tag);
      }),
    common: (agent, text, tag) => [
      ...['--actor', actor, '--policy', options.policy(agent)],
      ...['--note', `${options.redact(text)} ${tag}`],
    ],
    markSubtasksDone: (subtasks) => cli.markSubtasksDone(mission, subtasks),
  };
}
