import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { compareIds } from '../../src/feature/ids.js';
import { buildGraph, type GraphNode } from '../../src/graph/index.js';
import { arbitraryDag } from './dag-arbitrary.js';

const wp = (id: string, ...dependencies: string[]): GraphNode => ({ id, dependencies });

//   WP01 ─┬─> WP02 ──> WP04 ──> WP05
//         └─> WP03 ───────────────┘     (WP05 also needs WP03); WP06 stands alone
const diamond = [
  wp('WP05', 'WP04', 'WP03'),
  wp('WP01'),
  wp('WP02', 'WP01'),
  wp('WP03', 'WP01'),
  wp('WP04', 'WP02'),
  wp('WP06'),
];

function graphError(nodes: GraphNode[]): string {
  try {
    buildGraph(nodes);
  } catch (error) {
    expect(error).toBeInstanceOf(KittyError);
    expect((error as KittyError).kind).toBe('graph');
    return (error as Error).message;
  }
  throw new Error('expected a graph error');
}

describe('buildGraph', () => {
  it('computes waves, critical path and remaining paths', () => {
    const graph = buildGraph(diamond);
    expect(graph.ids).toEqual(['WP01', 'WP02', 'WP03', 'WP04', 'WP05', 'WP06']);
    expect(graph.waves()).toEqual([['WP01', 'WP06'], ['WP02', 'WP03'], ['WP04'], ['WP05']]);
    expect(graph.criticalPath()).toEqual(['WP01', 'WP02', 'WP04', 'WP05']);
    expect(graph.remainingPath('WP01')).toBe(4);
    expect(graph.remainingPath('WP03')).toBe(2);
    expect(graph.remainingPath('WP06')).toBe(1);
    expect(graph.topologicalOrder()).toEqual(['WP01', 'WP06', 'WP02', 'WP03', 'WP04', 'WP05']);
  });

  it('follows the weights for the critical path', () => {
    const graph = buildGraph(diamond);
    const weights = new Map([['WP03', 10]]);
    expect(graph.criticalPath(weights)).toEqual(['WP01', 'WP03', 'WP05']);
    expect(graph.criticalPath(new Map([['WP06', 50]]))).toEqual(['WP06']);
  });

  it('answers dependents and transitive dependents, sorted', () => {
    const graph = buildGraph(diamond);
    expect(graph.dependents('WP01')).toEqual(['WP02', 'WP03']);
    expect(graph.dependencies('WP05')).toEqual(['WP03', 'WP04']);
    expect(graph.transitiveDependents('WP01')).toEqual(['WP02', 'WP03', 'WP04', 'WP05']);
    expect(graph.transitiveDependents('WP05')).toEqual([]);
    expect(graph.has('WP06')).toBe(true);
    expect(graph.has('WP99')).toBe(false);
  });

  it('handles the empty feature', () => {
    const graph = buildGraph([]);
    expect(graph.waves()).toEqual([]);
    expect(graph.criticalPath()).toEqual([]);
  });

  it('ignores a dependency listed twice', () => {
    expect(buildGraph([wp('WP01'), wp('WP02', 'WP01', 'WP01')]).dependencies('WP02')).toEqual(['WP01']);
  });

  it('names the WPs of a cycle, an unknown dependency and a duplicate id', () => {
    expect(graphError([wp('WP01', 'WP03'), wp('WP02', 'WP01'), wp('WP03', 'WP02'), wp('WP04', 'WP03')])).toBe(
      'dependency cycle: WP01 -> WP03 -> WP02 -> WP01 (each depends on the next)',
    );
    expect(graphError([wp('WP01', 'WP01')])).toBe(
      'dependency cycle: WP01 -> WP01 (each depends on the next)',
    );
    expect(graphError([wp('WP01'), wp('WP02', 'WP09')])).toBe('WP02 depends on unknown work package WP09');
    expect(graphError([wp('WP01'), wp('WP01')])).toBe('duplicate work package id WP01');
    expect(() => buildGraph([wp('WP01')]).dependents('WP02')).toThrow('unknown work package WP02');
  });

  it('copes with a 10,000-WP chain without recursion', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `WP${String(i).padStart(5, '0')}`);
    const graph = buildGraph(ids.map((id, i) => wp(id, ...(i > 0 ? [ids[i - 1]!] : []))));
    expect(graph.waves()).toHaveLength(10_000);
    expect(graph.criticalPath()).toHaveLength(10_000);
    expect(graph.remainingPath(ids[0]!)).toBe(10_000);
    expect(graph.transitiveDependents(ids[0]!)).toHaveLength(9_999);
  });
});

/** The heaviest chain starting at each node, by plain memoised recursion: slow but obviously right. */
function naiveRemaining(nodes: GraphNode[], weight: (id: string) => number): Map<string, number> {
  const memo = new Map<string, number>();
  const dependents = (id: string): string[] =>
    nodes.filter((n) => n.dependencies.includes(id)).map((n) => n.id);
  const go = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const value = weight(id) + Math.max(0, ...dependents(id).map(go));
    memo.set(id, value);
    return value;
  };
  for (const node of nodes) go(node.id);
  return memo;
}

describe('work graph properties', () => {
  it('puts every dependency in an earlier wave, each WP right after its latest one', () => {
    fc.assert(
      fc.property(arbitraryDag(), (nodes) => {
        const waves = buildGraph(nodes).waves();
        const waveOf = new Map(waves.flatMap((wave, k) => wave.map((id) => [id, k] as const)));
        expect(waveOf.size).toBe(nodes.length);
        for (const wave of waves) expect(wave).toEqual([...wave].sort(compareIds));
        for (const node of nodes) {
          const depWaves = node.dependencies.map((dep) => waveOf.get(dep)!);
          for (const k of depWaves) expect(k).toBeLessThan(waveOf.get(node.id)!);
          expect(waveOf.get(node.id)).toBe(depWaves.length === 0 ? 0 : Math.max(...depWaves) + 1);
        }
      }),
    );
  });

  it('gives a critical path that is a real chain as long as the longest remaining path', () => {
    fc.assert(
      fc.property(arbitraryDag(), (nodes) => {
        const graph = buildGraph(nodes);
        const path = graph.criticalPath();
        for (let i = 1; i < path.length; i++) expect(graph.dependencies(path[i]!)).toContain(path[i - 1]);
        const longest = Math.max(0, ...graph.ids.map((id) => graph.remainingPath(id)));
        expect(path.length).toBe(longest);
        if (path.length > 0) expect(graph.dependencies(path[0]!)).toEqual([]);
        if (path.length > 0) expect(graph.dependents(path.at(-1)!)).toEqual([]);
      }),
    );
  });

  it('matches a naive longest-path computation for any weights', () => {
    const input = arbitraryDag(15).chain((nodes) =>
      fc.tuple(
        fc.constant(nodes),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: nodes.length, maxLength: nodes.length }),
      ),
    );
    fc.assert(
      fc.property(input, ([nodes, numbers]) => {
        const weights = new Map(nodes.map((n, i) => [n.id, numbers[i]!]));
        const graph = buildGraph(nodes);
        const expected = naiveRemaining(nodes, (id) => weights.get(id)!);
        const path = graph.criticalPath(weights);
        const total = path.reduce((sum, id) => sum + weights.get(id)!, 0);
        expect(total).toBe(Math.max(0, ...expected.values()));
        const unit = naiveRemaining(nodes, () => 1);
        for (const id of graph.ids) expect(graph.remainingPath(id)).toBe(unit.get(id));
      }),
    );
  });

  it('finds exactly the WPs that depend on a WP through any chain', () => {
    fc.assert(
      fc.property(arbitraryDag(20), (nodes) => {
        const graph = buildGraph(nodes);
        for (const id of graph.ids) {
          const reach = new Set<string>();
          const stack = [...graph.dependents(id)];
          while (stack.length > 0) {
            const next = stack.pop()!;
            if (!reach.has(next)) stack.push(...graph.dependents(next));
            reach.add(next);
          }
          expect(graph.transitiveDependents(id)).toEqual([...reach].sort(compareIds));
        }
      }),
    );
  });
});
