/**
 * A pure list-scheduling simulation of a DAG on `slots` identical slots, with zero overhead: what a policy
 * alone would give on the same graph with the same measured work per WP. Its makespan over the lower bound
 * says how much of a real run's ratio is the policy's, and the rest is the orchestrator's own overhead.
 */

/** Which ready WP takes a free slot first. */
export type SimPolicy =
  /** Longest remaining (work-weighted) path first, ties by id: what the engine does. */
  | 'longest-path'
  /** The WP that became ready first, ties by id. */
  | 'fifo'
  /** Waves with barriers: a WP starts only once every WP of the earlier waves (by depth) has finished. */
  | 'waves';

export const SIM_POLICIES: readonly SimPolicy[] = ['longest-path', 'fifo', 'waves'];

export interface SimGraph {
  /** WP id -> its dependencies (every one of them a key too). */
  deps: ReadonlyMap<string, readonly string[]>;
  /** WP id -> the slot time it takes (missing: 0). */
  work: ReadonlyMap<string, number>;
}

function dependentsOf(deps: SimGraph['deps']): Map<string, string[]> {
  const out = new Map<string, string[]>([...deps.keys()].map((id) => [id, []]));
  for (const [id, ds] of deps) for (const d of ds) out.get(d)?.push(id);
  return out;
}

/** Memoised recursion over the DAG (ids in any order). */
function longest(next: ReadonlyMap<string, readonly string[]>, weight: (id: string) => number) {
  const memo = new Map<string, number>();
  const of = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const value = weight(id) + Math.max(0, ...(next.get(id) ?? []).map(of));
    memo.set(id, value);
    return value;
  };
  for (const id of next.keys()) of(id);
  return memo;
}

/** Priority of each WP under `policy` (lower runs first) given when it became ready; ties go by id. */
function priority(policy: SimPolicy, remaining: ReadonlyMap<string, number>) {
  return (id: string, readyAt: number): number =>
    policy === 'longest-path' ? -(remaining.get(id) ?? 0) : readyAt;
}

/** The makespan of `graph` on `slots` slots under `policy`. */
export function simulate(graph: SimGraph, slots: number, policy: SimPolicy): number {
  const work = (id: string): number => graph.work.get(id) ?? 0;
  const dependents = dependentsOf(graph.deps);
  const remaining = longest(dependents, work);
  const depth = longest(graph.deps, () => 1);
  const rank = priority(policy, remaining);
  const waiting = new Map([...graph.deps].map(([id, ds]) => [id, ds.length]));
  const waveLeft = new Map<number, number>();
  for (const d of depth.values()) waveLeft.set(d, (waveLeft.get(d) ?? 0) + 1);
  let wave = 1;
  const ready: { id: string; key: number }[] = [];
  const running: { id: string; end: number }[] = [];
  let now = 0;
  const becomeReady = (id: string) => ready.push({ id, key: rank(id, now) });
  for (const [id, n] of waiting) if (n === 0) becomeReady(id);
  while (ready.length > 0 || running.length > 0) {
    ready.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1));
    for (let i = 0; i < ready.length && running.length < slots;) {
      const { id } = ready[i]!;
      if (policy === 'waves' && depth.get(id) !== wave) {
        i++;
        continue;
      }
      running.push({ id, end: now + work(id) });
      ready.splice(i, 1);
    }
    if (running.length === 0) throw new Error('simulate: no WP can start (a cycle?)');
    running.sort((a, b) => a.end - b.end);
    const done = running.shift()!;
    now = done.end;
    const d = depth.get(done.id)!;
    waveLeft.set(d, waveLeft.get(d)! - 1);
    while (waveLeft.get(wave) === 0) wave++;
    for (const next of dependents.get(done.id) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) becomeReady(next);
    }
  }
  return now;
}
