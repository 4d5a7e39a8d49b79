/**
 * The checks that make a work graph wrong rather than merely untidy: two files claiming one WP id, a
 * dependency on a WP that does not exist, and a dependency cycle. Everything else is tolerated upstream.
 */
import { KittyError } from '../errors.js';
import { compareIds } from './ids.js';

export interface WpNode {
  id: string;
  dependencies: readonly string[];
  /** How messages name the WP's file (usually relative to the repo). */
  file: string;
}

/**
 * Throws KittyError('graph') for the first problem found, in id order so the message is stable:
 * `duplicate work package id WP02: <file> and <file>`,
 * `<file>: WP03 depends on WP09, which does not exist`,
 * `dependency cycle: WP02 -> WP05 -> WP02 (fix the dependencies in <file>, <file>)`.
 * Linear in WPs + edges; iterative, so 10,000 WPs in a chain do not overflow the stack.
 */
export function validateWorkPackages(nodes: readonly WpNode[]): void {
  assertWellFormedIds(nodes);
  const byId = new Map<string, WpNode>();
  for (const node of [...nodes].sort((a, b) => compareIds(a.id, b.id))) {
    const other = byId.get(node.id);
    if (other !== undefined) {
      throw new KittyError('graph', `duplicate work package id ${node.id}: ${other.file} and ${node.file}`);
    }
    byId.set(node.id, node);
  }
  for (const node of byId.values()) {
    const missing = node.dependencies.find((dep) => !byId.has(dep));
    if (missing !== undefined) {
      throw new KittyError('graph', `${node.file}: ${node.id} depends on ${missing}, which does not exist`);
    }
  }
  const cycle = findCycle(byId);
  if (cycle !== undefined) {
    const files = cycle.slice(0, -1).map((id) => byId.get(id)?.file ?? id);
    const named = files.length > 4 ? [...files.slice(0, 4), `${files.length - 4} more`] : files;
    throw new KittyError(
      'graph',
      `dependency cycle: ${cycle.join(' -> ')} (fix the dependencies in ${named.join(', ')})`,
    );
  }
}

/** What a WP id must look like: it becomes part of branch names, worktree paths and log file names. */
export const WP_ID = /^WP\d+$/;

/** Refuses a feature with an id such as `../../x`, naming the file that declares it. */
function assertWellFormedIds(nodes: readonly WpNode[]): void {
  const bad = nodes.find((node) => !WP_ID.test(node.id));
  if (bad !== undefined) {
    throw new KittyError(
      'feature',
      `${bad.file}: work package id ${JSON.stringify(bad.id)} is not WP followed by digits (e.g. WP01)`,
    );
  }
}

/**
 * A dependency cycle as a closed path (`[WP02, WP05, WP02]`, rotated to start at its smallest id), or
 * undefined. Three-colour DFS with an explicit stack; all dependencies must exist in `byId`.
 */
export function findCycle(
  byId: ReadonlyMap<string, { dependencies: readonly string[] }>,
): string[] | undefined {
  const state = new Map<string, 'open' | 'closed'>();
  for (const root of byId.keys()) {
    if (state.has(root)) continue;
    // Each frame: a node and the index of its next dependency to visit.
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byId.get(frame.id)?.dependencies ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 'closed');
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      const seen = state.get(dep);
      if (seen === 'open')
        return closedPath(
          stack.map((f) => f.id),
          dep,
        );
      if (seen === undefined) {
        state.set(dep, 'open');
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/** The cycle on the DFS path that re-enters `dep`, rotated so the smallest id comes first. */
function closedPath(path: string[], dep: string): string[] {
  const cycle = path.slice(path.indexOf(dep));
  const start = cycle.reduce((best, id, i) => (compareIds(id, cycle[best]!) < 0 ? i : best), 0);
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...rotated, rotated[0]!];
}
