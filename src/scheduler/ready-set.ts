import { compareIds } from '../feature/ids.js';
import type { Lane } from '../feature/types.js';
import type { WorkGraph } from '../graph/work-graph.js';

/**
 * `readyWps` kept up to date as lanes change, for a scheduler that asks after every event: a lane change
 * costs the WP's dependents, a question costs the WPs that are ready, never a scan of the whole graph.
 * It answers exactly what `readyWps(graph, lanes, running)` answers for the same lanes.
 */
export class ReadySet {
  readonly #lanes = new Map<string, Lane>();
  /** Per WP: its dependencies that are not `done`. */
  readonly #missing = new Map<string, number>();
  /** `planned` WPs whose dependencies are all `done`. */
  readonly #ready = new Set<string>();

  constructor(
    private readonly graph: WorkGraph,
    lanes: ReadonlyMap<string, Lane> = new Map(),
  ) {
    for (const id of graph.ids) this.#lanes.set(id, lanes.get(id) ?? 'planned');
    for (const id of graph.ids) {
      const missing = graph.dependencies(id).filter((dep) => this.#lanes.get(dep) !== 'done').length;
      this.#missing.set(id, missing);
      this.#refresh(id);
    }
  }

  /** A WP moved to `lane`; ids outside the graph are ignored. */
  setLane(id: string, lane: Lane): void {
    const before = this.#lanes.get(id);
    if (before === undefined || before === lane) return;
    this.#lanes.set(id, lane);
    const delta = Number(before === 'done') - Number(lane === 'done');
    if (delta !== 0) {
      for (const dependent of this.graph.dependents(id)) {
        this.#missing.set(dependent, (this.#missing.get(dependent) ?? 0) + delta);
        this.#refresh(dependent);
      }
    }
    this.#refresh(id);
  }

  /** The WPs that can start now, not in `running`: longest remaining chain first, ties by id. */
  ready(running: ReadonlySet<string>): string[] {
    const ids = [...this.#ready].filter((id) => !running.has(id));
    return ids.sort((a, b) => this.graph.remainingPath(b) - this.graph.remainingPath(a) || compareIds(a, b));
  }

  #refresh(id: string): void {
    if (this.#lanes.get(id) === 'planned' && this.#missing.get(id) === 0) this.#ready.add(id);
    else this.#ready.delete(id);
  }
}
