import fc from 'fast-check';
import type { GraphNode } from '../../src/graph/index.js';

/**
 * Random DAGs of up to `maxSize` WPs. Edges only point from a later-generated node to an earlier one, so there
 * is never a cycle; ids are shuffled so generation order and id order differ.
 */
export function arbitraryDag(maxSize = 30): fc.Arbitrary<GraphNode[]> {
  return fc.integer({ min: 0, max: maxSize }).chain((n) => {
    const pool = Array.from({ length: Math.max(n, 1) * 3 }, (_, i) => `WP${String(i + 1).padStart(3, '0')}`);
    const depsOf = Array.from({ length: n }, (_, i) =>
      fc.subarray(
        Array.from({ length: i }, (__, j) => j),
        { maxLength: Math.min(i, 4) },
      ),
    );
    return fc
      .tuple(fc.shuffledSubarray(pool, { minLength: n, maxLength: n }), fc.tuple(...depsOf))
      .map(([ids, deps]) =>
        ids.map((id, i) => ({ id, dependencies: (deps[i] ?? []).map((j) => ids[j] as string) })),
      );
  });
}
