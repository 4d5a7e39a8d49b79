import PQueue from 'p-queue';
import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { SpecKittyView } from './spec-kitty-log.js';

/**
 * The order in which spec-kitty hears of the run. Calls run one at a time: `append-history` commits in the
 * main checkout and transitions append to one unlocked event log, so two at once could collide. Within that
 * line, what agents wait for goes first:
 * - a claim (an agent waits for it), queued the moment the moves it depends on are made: its WP's own earlier
 *   moves and its dependencies' (spec-kitty claims a WP only once its dependencies are `done` there);
 * - then the moves of WPs that others depend on (their `done` is what a dependent's claim waits for);
 * - then the other moves; a WP's own moves always keep their order (they share one priority);
 * - history notes, which gate nothing, last.
 */
export interface SpecKittyQueue {
  /** Queues a lane move for `wp`; a failure is logged as a warning (the event log stays our truth). */
  move(wp: string, label: string, task: Task<void>): void;
  /** Queues a history note; it waits behind every move and claim. */
  note(label: string, task: Task<void>): void;
  /** Runs a claim for `wp` once the moves of `wp` and of `after` sent so far are made; its failure rejects. */
  claim<T>(wp: string, after: readonly string[], task: Task<T>): Promise<T>;
  /** Resolves when everything queued so far has been sent (or refused, with a warning). */
  flush(): Promise<void>;
}

type Task<T> = (view: SpecKittyView) => Promise<T>;

const CLAIM = 3;
const GATING_MOVE = 2;
const MOVE = 1;
const NOTE = 0;

export interface QueueOptions {
  view: () => Promise<SpecKittyView>;
  logger: Logger;
  /** WPs that other WPs depend on. */
  gating: ReadonlySet<string>;
}

export function createSyncQueue(options: QueueOptions): SpecKittyQueue {
  const queue = new PQueue({ concurrency: 1 });
  /** Moves queued and not yet made, per WP. */
  const pending = new Map<string, number>();
  const waiting: { wps: string[]; start: () => void }[] = [];
  const idle = (wp: string) => (pending.get(wp) ?? 0) === 0;
  const warned = async (label: string, task: Task<void>) => {
    try {
      await task(await options.view());
    } catch (error) {
      options.logger.warn(`spec-kitty did not take ${label}: ${errorMessage(error)}`);
    }
  };
  /** Runs inside the move's own task, so a released claim is queued before the queue picks its next call. */
  const made = (wp: string) => {
    pending.set(wp, (pending.get(wp) ?? 1) - 1);
    for (const waiter of waiting.filter((w) => w.wps.every(idle))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.start();
    }
  };
  return {
    move: (wp, label, task) => {
      pending.set(wp, (pending.get(wp) ?? 0) + 1);
      const priority = options.gating.has(wp) ? GATING_MOVE : MOVE;
      void queue.add(
        async () => {
          try {
            await warned(label, task);
          } finally {
            made(wp);
          }
        },
        { priority },
      );
    },
    note: (label, task) => {
      void queue.add(() => warned(label, task), { priority: NOTE });
    },
    claim: (wp, after, task) =>
      new Promise((resolve, reject) => {
        const start = () => {
          queue
            .add(async () => task(await options.view()), { priority: CLAIM, throwOnTimeout: true })
            .then(resolve, reject);
        };
        const wps = [wp, ...after];
        if (wps.every(idle)) start();
        else waiting.push({ wps, start });
      }),
    flush: () => queue.onIdle(),
  };
}
