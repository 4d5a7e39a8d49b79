import type { Lane } from '../feature/types.js';
import type { WorkGraph } from '../graph/work-graph.js';
import { ReadySet } from '../scheduler/ready-set.js';
import type { Recorder } from './recorder.js';

/** Lanes of a WP whose cycle was under way; one not running in this process was cut off by a crash or a stop. */
const IN_FLIGHT: ReadonlySet<Lane> = new Set([
  'claimed',
  'in_progress',
  'for_review',
  'in_review',
  'approved',
]);

/**
 * The WPs the scheduler may start, kept up to date from the recorder's lane changes, so a scheduling decision
 * costs what is ready (and what just moved), not a scan of every WP of the run.
 */
export class Startable {
  readonly #ready: ReadySet;
  /** WPs in an in-flight lane, by their order in the run. */
  readonly #inFlight = new Set<string>();
  readonly #order: ReadonlyMap<string, number>;

  constructor(graph: WorkGraph, recorder: Recorder) {
    const wps = Object.values(recorder.run.workPackages);
    this.#order = new Map(wps.map((wp, i) => [wp.wpId, i]));
    this.#ready = new ReadySet(graph, new Map(wps.map((wp) => [wp.wpId, wp.lane])));
    for (const wp of wps) this.#track(wp.wpId, wp.lane);
    recorder.onLaneChange((id, lane) => {
      this.#ready.setLane(id, lane);
      this.#track(id, lane);
    });
  }

  /** WPs to start now: cut-off ones first (their dependencies are done), then the ready ones by priority. */
  list(active: ReadonlyMap<string, unknown>): string[] {
    const cutOff = [...this.#inFlight].filter((id) => !active.has(id));
    cutOff.sort((a, b) => (this.#order.get(a) ?? 0) - (this.#order.get(b) ?? 0));
    return [...cutOff, ...this.#ready.ready(new Set(active.keys()))];
  }

  #track(id: string, lane: Lane): void {
    if (IN_FLIGHT.has(lane)) this.#inFlight.add(id);
    else this.#inFlight.delete(id);
  }
}
