import PQueue from 'p-queue';
import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { SpecKittyView } from './spec-kitty-log.js';

/**
 * The order in which spec-kitty hears of the run. Calls run one at a time: `append-history` commits in the
 * main checkout and transitions append to one unlocked event log, so two at once could collide. Within that
 * line a claim (which an agent waits for) goes first, as soon as the calls it depends on are made: its WP's own
 * earlier moves and its dependencies' (spec-kitty claims a WP only once its dependencies are done there). Lane
 * moves follow in the order they were sent; history notes, which gate nothing, come last.
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

const CLAIM = 2;
const MOVE = 1;
const NOTE = 0;

export function createSyncQueue(view: () => Promise<SpecKittyView>, logger: Logger): SpecKittyQueue {
  const queue = new PQueue({ concurrency: 1 });
  /** Each WP's last queued move, settled (never rejected) once made or refused. */
  const lastMove = new Map<string, Promise<void>>();
  const warned = (label: string, task: Task<void>) => async () => {
    try {
      await task(await view());
    } catch (error) {
      logger.warn(`spec-kitty did not take ${label}: ${errorMessage(error)}`);
    }
  };
  return {
    move: (wp, label, task) => {
      lastMove.set(wp, queue.add(warned(label, task), { priority: MOVE }));
    },
    note: (label, task) => {
      void queue.add(warned(label, task), { priority: NOTE });
    },
    claim: async (wp, after, task) => {
      await Promise.all([wp, ...after].flatMap((id) => lastMove.get(id) ?? []));
      return queue.add(async () => task(await view()), { priority: CLAIM, throwOnTimeout: true });
    },
    flush: () => queue.onIdle(),
  };
}
