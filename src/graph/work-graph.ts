import { KittyError } from '../errors.js';
import { compareIds } from '../feature/ids.js';

/** What the graph needs of a work package. */
export interface GraphNode {
  id: string;
  dependencies: readonly string[];
}

/**
 * The dependency graph of a feature's WPs. Pure and immutable; every query is O(V+E) at most and iterative,
 * so a 10,000-WP feature costs milliseconds and no stack depth.
 */
export interface WorkGraph {
  /** Every WP id, in natural order (WP2 before WP10) like everywhere else; "sorted" below means this order. */
  readonly ids: readonly string[];
  has(id: string): boolean;
  /** The WP's direct dependencies, sorted. */
  dependencies(id: string): readonly string[];
  /** WPs that depend directly on `id`, sorted. */
  dependents(id: string): readonly string[];
  /** WPs that depend on `id` directly or through others (what a failure of `id` blocks), sorted. */
  transitiveDependents(id: string): string[];
  /** Every id, dependencies before dependents (the waves, concatenated). */
  topologicalOrder(): string[];
  /** Topological levels: wave 0 has no dependencies; a WP sits one wave after its latest dependency. */
  waves(): string[][];
  /** The heaviest dependency chain, first WP first. Weights default to 1 and must not be negative. */
  criticalPath(weights?: ReadonlyMap<string, number>): string[];
  /** The number of WPs on the longest chain from `id` to a WP nothing depends on, `id` included. */
  remainingPath(id: string): number;
}

/**
 * Build the graph. Throws KittyError('graph') naming the WP for a duplicate id, a dependency on an unknown
 * WP or a cycle (the feature reader rejects these first; the graph does not trust its input).
 */
export function buildGraph(wps: readonly GraphNode[]): WorkGraph {
  const ids = wps.map((wp) => wp.id).sort(compareIds);
  const index = indexIds(ids);
  const deps: number[][] = ids.map(() => []);
  for (const wp of wps) {
    const own = index.get(wp.id) as number;
    const unique = new Set<number>();
    for (const dep of wp.dependencies) {
      const at = index.get(dep);
      if (at === undefined) throw new KittyError('graph', `${wp.id} depends on unknown work package ${dep}`);
      unique.add(at);
    }
    deps[own] = [...unique].sort((a, b) => a - b);
  }
  const dependents: number[][] = ids.map(() => []);
  // Walking owners in index order keeps every dependents list sorted without a sort.
  deps.forEach((list, owner) => list.forEach((dep) => dependents[dep]?.push(owner)));
  const levels = computeWaves(deps, dependents);
  if (levels.processed < ids.length) throw cycleError(ids, deps, levels.done);
  return new Graph(ids, index, deps, dependents, levels.waves);
}

function indexIds(ids: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) throw new KittyError('graph', `duplicate work package id ${id}`);
    index.set(id, i);
  });
  return index;
}

/** Kahn's algorithm, one wave at a time: a WP joins the wave after the one that finishes its last dependency. */
function computeWaves(
  deps: readonly number[][],
  dependents: readonly number[][],
): { waves: number[][]; processed: number; done: boolean[] } {
  const missing = deps.map((list) => list.length);
  const done = deps.map(() => false);
  const waves: number[][] = [];
  let current = missing.flatMap((count, i) => (count === 0 ? [i] : []));
  let processed = 0;
  while (current.length > 0) {
    waves.push(current);
    const next: number[] = [];
    for (const node of current) {
      done[node] = true;
      processed++;
      for (const dependent of dependents[node] ?? []) {
        missing[dependent] = (missing[dependent] ?? 0) - 1;
        if (missing[dependent] === 0) next.push(dependent);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  return { waves, processed, done };
}

/** Every WP left unprocessed waits on another unprocessed one: walking those edges must revisit a WP. */
function cycleError(ids: readonly string[], deps: readonly number[][], done: readonly boolean[]): KittyError {
  const position = new Map<number, number>();
  const walk: number[] = [];
  let node = done.indexOf(false);
  while (!position.has(node)) {
    position.set(node, walk.length);
    walk.push(node);
    node = (deps[node] ?? []).find((dep) => !done[dep]) as number;
  }
  const cycle = [...walk.slice(position.get(node)), node].map((i) => ids[i]);
  return new KittyError('graph', `dependency cycle: ${cycle.join(' -> ')} (each depends on the next)`);
}

class Graph implements WorkGraph {
  #unitRemaining: number[] | undefined;
  readonly #order: number[];

  constructor(
    readonly ids: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly deps: readonly number[][],
    private readonly dependentsOf: readonly number[][],
    private readonly levels: readonly number[][],
  ) {
    this.#order = levels.flat();
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  dependencies(id: string): readonly string[] {
    return this.names(this.deps[this.at(id)] ?? []);
  }

  dependents(id: string): readonly string[] {
    return this.names(this.dependentsOf[this.at(id)] ?? []);
  }

  transitiveDependents(id: string): string[] {
    const seen = new Uint8Array(this.ids.length);
    const queue = [...(this.dependentsOf[this.at(id)] ?? [])];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      if (seen[node] === 1) continue;
      seen[node] = 1;
      for (const next of this.dependentsOf[node] ?? []) if (seen[next] === 0) queue.push(next);
    }
    const found: number[] = [];
    seen.forEach((flag, i) => flag === 1 && found.push(i));
    return this.names(found);
  }

  topologicalOrder(): string[] {
    return this.names(this.#order);
  }

  waves(): string[][] {
    return this.levels.map((wave) => this.names(wave));
  }

  criticalPath(weights?: ReadonlyMap<string, number>): string[] {
    const weight = (i: number): number => weights?.get(this.ids[i] as string) ?? 1;
    const remaining = this.remainingBy(weight);
    // Start at the heaviest WP (the lowest index wins ties), then keep taking the heaviest dependent.
    let node = argmax(
      remaining,
      this.ids.map((_, i) => i),
    );
    const path: number[] = [];
    while (node !== undefined) {
      path.push(node);
      node = argmax(remaining, this.dependentsOf[node] ?? []);
    }
    return this.names(path);
  }

  remainingPath(id: string): number {
    this.#unitRemaining ??= this.remainingBy(() => 1);
    return this.#unitRemaining[this.at(id)] as number;
  }

  /** Heaviest chain from each WP to a sink, itself included, computed in reverse topological order. */
  private remainingBy(weight: (i: number) => number): number[] {
    const remaining = new Array<number>(this.ids.length).fill(0);
    for (let k = this.#order.length - 1; k >= 0; k--) {
      const node = this.#order[k] as number;
      let best = 0;
      for (const next of this.dependentsOf[node] ?? []) best = Math.max(best, remaining[next] as number);
      remaining[node] = weight(node) + best;
    }
    return remaining;
  }

  private at(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new KittyError('graph', `unknown work package ${id}`);
    return i;
  }

  private names(indices: readonly number[]): string[] {
    return indices.map((i) => this.ids[i] as string);
  }
}

/** The candidate with the largest value; the first one listed wins ties. */
function argmax(values: readonly number[], candidates: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const candidate of candidates) {
    if (best === undefined || (values[candidate] as number) > (values[best] as number)) best = candidate;
  }
  return best;
}
