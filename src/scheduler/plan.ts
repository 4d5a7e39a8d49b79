import { compareIds } from '../feature/ids.js';
import type { Lane } from '../feature/types.js';
import type { WorkGraph } from '../graph/work-graph.js';

/** Lanes from which a WP will never reach `done` in this run, so its dependents cannot start. */
const DEAD_END: ReadonlySet<Lane> = new Set<Lane>(['failed', 'blocked', 'canceled']);

/** A WP without an entry in the lane map has never moved: it is `planned`. */
const laneOf = (lanes: ReadonlyMap<string, Lane>, id: string): Lane => lanes.get(id) ?? 'planned';

/**
 * The WPs that can start now: `planned`, not running, and every dependency `done`. Longest remaining chain
 * first, so the critical path is never starved by short side branches; ties by id for a stable order.
 */
export function readyWps(
  graph: WorkGraph,
  lanes: ReadonlyMap<string, Lane>,
  running: ReadonlySet<string>,
): string[] {
  const ready = graph.ids.filter(
    (id) =>
      laneOf(lanes, id) === 'planned' &&
      !running.has(id) &&
      graph.dependencies(id).every((dep) => laneOf(lanes, dep) === 'done'),
  );
  return ready.sort((a, b) => graph.remainingPath(b) - graph.remainingPath(a) || compareIds(a, b));
}

/**
 * The `planned` WPs that can never start because a dependency, direct or transitive, is failed, blocked or
 * canceled; each maps to that root WP so the engine can say "WP05 blocked by WP02".
 */
export function blockedWps(graph: WorkGraph, lanes: ReadonlyMap<string, Lane>): Map<string, string> {
  const blocked = new Map<string, string>();
  // Dependencies come first in topological order, so a dependency's own cause is known when it is needed.
  for (const id of graph.topologicalOrder()) {
    if (laneOf(lanes, id) !== 'planned') continue;
    for (const dep of graph.dependencies(id)) {
      const cause = blocked.get(dep) ?? (DEAD_END.has(laneOf(lanes, dep)) ? dep : undefined);
      if (cause !== undefined) {
        blocked.set(id, cause);
        break;
      }
    }
  }
  return blocked;
}
