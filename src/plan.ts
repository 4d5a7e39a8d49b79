import type { Feature, Lane } from './feature/types.js';
import { readFeature } from './feature/index.js';
import { buildGraph } from './graph/index.js';

/** What `plan --json` prints and `planFeature` returns: a stable, snake_case contract for scripts. */
export interface PlanView {
  feature: string;
  work_packages: {
    id: string;
    title: string;
    dependencies: string[];
    lane: Lane;
    subtasks: { id: string; title: string; done: boolean }[];
  }[];
  /** Topological levels: every WP of a wave can run in parallel once the earlier waves are done. */
  waves: string[][];
  /** The longest dependency chain, first WP first. */
  critical_path: string[];
}

/** The plan of a feature: its WPs with lanes and subtasks, the waves and the critical path. */
export function planView(feature: Feature): PlanView {
  const graph = buildGraph(feature.workPackages);
  return {
    feature: feature.slug,
    work_packages: feature.workPackages.map((wp) => ({
      id: wp.id,
      title: wp.title,
      dependencies: [...wp.dependencies],
      lane: wp.lane,
      subtasks: wp.subtasks.map((s) => ({ id: s.id, title: s.title, done: s.done })),
    })),
    waves: graph.waves(),
    critical_path: graph.criticalPath(),
  };
}

/**
 * Read a feature (a slug under `kitty-specs/`, a unique prefix of one, or its directory) and plan it, running
 * nothing. Throws a KittyError naming the file for an unreadable feature or a dependency cycle.
 */
export async function planFeature(
  repoDir: string,
  feature: string,
): Promise<{ plan: PlanView; warnings: string[] }> {
  const read = await readFeature(feature, repoDir);
  return { plan: planView(read.feature), warnings: read.warnings };
}
