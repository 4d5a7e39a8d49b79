import { redactDeep, type Redact } from '../redact.js';
import { errorMessage } from '../errors.js';
import { foldInPlace, reduce } from '../state/reduce.js';
import { createThrottledSnapshotWriter, type ThrottledSnapshotWriter } from '../state/snapshot.js';
import type { Lane } from '../feature/types.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun, StateStore } from '../state/types.js';
import type { Logger } from './types.js';

/** Event fields the program itself fills with identifiers; every other string is agent or user text. */
const IDENTIFIER_KEYS = new Set([
  'type',
  'wp',
  'lane',
  'role',
  'agent',
  'from',
  'to',
  'by',
  'verdict',
  'status',
  'errorClass',
  'runId',
  'configHash',
  'id',
  'dependencies',
  'logFile',
]);

/**
 * The minimum time between two snapshot writes, plus a share per WP: writing one costs in proportion to the
 * run's size, so a run of 1,000 WPs writes one every 2.5 s and the snapshots' cost per WP stays flat. The event
 * log itself is written at once, every time; the last snapshot at the end (and on a stop) by `flush`.
 */
const SNAPSHOT_INTERVAL_MS = 250;
const SNAPSHOT_MS_PER_WP = 2.5;
const snapshotPeriod = (run: OrchestrationRun): number =>
  Math.max(SNAPSHOT_INTERVAL_MS, run.wpsTotal * SNAPSHOT_MS_PER_WP);

/** One record() call waiting for its events to be durable. */
interface PendingRecord {
  events: NewEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The engine's one state writer: appends events to the store, folds them into the run, tells listeners, and
 * keeps the snapshot file fresh without rewriting it on every event.
 *
 * Appends are group-committed: while one append (a write and an fsync) is in flight, the records that arrive
 * wait together and go to the log in the next single append, in the order they were made. With many WPs
 * recording at once they share fsyncs instead of queueing behind one another's.
 *
 * The run is folded in place (its cost per event is the event's, not the run's size): `run` and the run handed
 * to listeners are the same object, always the latest state. Readers that keep it see it change.
 */
export class Recorder {
  #run: OrchestrationRun | null;
  /** Records not yet handed to the store, oldest first. */
  #pending: PendingRecord[] = [];
  /** Settles once every record made so far is settled; null while there is nothing to append. */
  #draining: Promise<void> | null = null;
  readonly #snapshots: ThrottledSnapshotWriter;
  readonly #laneListeners: ((wp: string, lane: Lane) => void)[] = [];

  constructor(
    private readonly store: StateStore,
    history: OrchestrationEvent[],
    logger: Logger,
    private readonly onEvent?: (event: OrchestrationEvent, run: OrchestrationRun) => void,
    /** Applied to every string of every event before it is stored or told: state, snapshots, reports, cache. */
    private readonly redact: Redact = (text) => text,
  ) {
    this.#run = reduce(history);
    let warned = false;
    // The snapshot is a convenience derived from the log: one warning, and the run goes on.
    this.#snapshots = createThrottledSnapshotWriter(store, snapshotPeriod, (error) => {
      if (warned) return;
      warned = true;
      logger.warn(
        `could not write the state snapshot in ${store.location} (${errorMessage(error)}); \`status\` and the next run rebuild it from the event log`,
      );
    });
  }

  get run(): OrchestrationRun {
    if (!this.#run) throw new Error('no run recorded yet');
    return this.#run;
  }

  get hasRun(): boolean {
    return this.#run !== null;
  }

  /** Be told of every WP whose lane an event changed (a new run tells each WP's lane), as it is folded in. */
  onLaneChange(listener: (wp: string, lane: Lane) => void): void {
    this.#laneListeners.push(listener);
  }

  /**
   * Record events in order; resolves once they are durable in the log (and folded into `run`). Rejects if the
   * append that carried them failed: the records appended with them fail too, later records are tried afresh.
   */
  record(...events: NewEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({
        events: events.map((e) => redactDeep(e, this.redact, IDENTIFIER_KEYS)),
        resolve,
        reject,
      });
      this.#draining ??= this.#drain();
    });
  }

  /** Wait for pending records and write the final snapshot (best effort: a failure was already warned about). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
    await this.#snapshots.flush().catch(() => undefined);
  }

  /** Append everything pending as one batch, then whatever arrived meanwhile, until nothing is left. */
  async #drain(): Promise<void> {
    // Start on a later tick, so the records made in the same synchronous stretch share the first append too
    // (and so `#draining` is assigned before this can clear it).
    await Promise.resolve();
    for (;;) {
      if (this.#pending.length === 0) {
        // Cleared in the same step that finds nothing left: a record() made after this starts a new drain.
        this.#draining = null;
        return;
      }
      const batch = this.#pending.splice(0);
      let stamped: OrchestrationEvent[];
      try {
        stamped = await this.store.append(batch.flatMap((r) => r.events));
      } catch (error) {
        for (const r of batch) r.reject(error);
        continue;
      }
      // Each record's events folded in order. A listener that throws fails only its own record (whose events
      // are durable all the same); a snapshot writer that throws at once, instead of reporting, fails them all.
      const failures = new Map<PendingRecord, unknown>();
      let offset = 0;
      for (const r of batch) {
        const mine = stamped.slice(offset, (offset += r.events.length));
        try {
          this.#fold(mine);
        } catch (error) {
          failures.set(r, error);
        }
      }
      try {
        if (this.#run) this.#snapshots.write(this.#run);
      } catch (error) {
        for (const r of batch) if (!failures.has(r)) failures.set(r, error);
      }
      for (const r of batch) {
        if (failures.has(r)) r.reject(failures.get(r));
        else r.resolve();
      }
    }
  }

  #fold(events: OrchestrationEvent[]): void {
    for (const event of events) {
      const wp = 'wp' in event && typeof event.wp === 'string' ? event.wp : null;
      const before = wp === null ? undefined : this.#run?.workPackages[wp]?.lane;
      const previous = this.#run;
      const run = foldInPlace(this.#run, event);
      this.#run = run;
      if (!run) continue;
      if (run !== previous) for (const id of Object.keys(run.workPackages)) this.#tellLane(id);
      else if (wp !== null && run.workPackages[wp]?.lane !== before) this.#tellLane(wp);
      this.onEvent?.(event, run);
    }
  }

  #tellLane(wp: string): void {
    const lane = this.#run?.workPackages[wp]?.lane;
    if (lane !== undefined) for (const listener of this.#laneListeners) listener(wp, lane);
  }
}
