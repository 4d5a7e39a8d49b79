import { applyEvent, reduce } from '../state/reduce.js';
import { createThrottledSnapshotWriter, type ThrottledSnapshotWriter } from '../state/snapshot.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun, StateStore } from '../state/types.js';
import type { Logger } from './types.js';

/** The minimum time between two snapshot writes; the event log itself is written at once, every time. */
const SNAPSHOT_INTERVAL_MS = 250;

/**
 * The engine's one state writer: appends events to the store, folds them into the run, tells listeners, and
 * keeps the snapshot file fresh without rewriting it on every event.
 */
export class Recorder {
  #run: OrchestrationRun | null;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #snapshots: ThrottledSnapshotWriter;

  constructor(
    private readonly store: StateStore,
    history: OrchestrationEvent[],
    logger: Logger,
    private readonly onEvent?: (event: OrchestrationEvent, run: OrchestrationRun) => void,
  ) {
    this.#run = reduce(history);
    this.#snapshots = createThrottledSnapshotWriter(store, SNAPSHOT_INTERVAL_MS, (error) =>
      logger.warn(`could not write the state snapshot (the event log is intact): ${String(error)}`),
    );
  }

  get run(): OrchestrationRun {
    if (!this.#run) throw new Error('no run recorded yet');
    return this.#run;
  }

  get hasRun(): boolean {
    return this.#run !== null;
  }

  /** Record events in order; resolves once they are durable in the log. */
  record(...events: NewEvent[]): Promise<void> {
    const done = this.#chain.then(async () => {
      const stamped = await this.store.append(events);
      for (const event of stamped) {
        const run = applyEvent(this.#run, event);
        this.#run = run;
        if (run) this.onEvent?.(event, run);
      }
      if (this.#run) this.#snapshots.write(this.#run);
    });
    // Keep the chain alive after a failure so later records still run; the caller sees the error.
    this.#chain = done.catch(() => undefined);
    return done;
  }

  /** Wait for pending records and write the final snapshot. */
  async flush(): Promise<void> {
    await this.#chain;
    await this.#snapshots.flush();
  }
}
