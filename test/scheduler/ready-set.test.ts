import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANES, type Lane } from '../../src/feature/types.js';
import { buildGraph } from '../../src/graph/index.js';
import { readyWps } from '../../src/scheduler/plan.js';
import { ReadySet } from '../../src/scheduler/ready-set.js';
import { arbitraryDag } from '../graph/dag-arbitrary.js';

describe('ReadySet', () => {
  const scenario = arbitraryDag(25).chain((nodes) =>
    fc.tuple(
      fc.constant(nodes),
      fc.array(fc.constantFrom(...LANES), { maxLength: nodes.length }),
      // Lane changes: [index of the WP, lane]; indices past the graph name a WP it does not hold.
      fc.array(fc.tuple(fc.nat(nodes.length), fc.constantFrom(...LANES)), { maxLength: 60 }),
      fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }),
    ),
  );

  it('answers what readyWps answers after any sequence of lane changes', () => {
    fc.assert(
      fc.property(scenario, ([nodes, initial, changes, runningFlags]) => {
        const g = buildGraph(nodes);
        const lanes = new Map<string, Lane>(initial.map((lane, i) => [nodes[i]!.id, lane]));
        const set = new ReadySet(g, lanes);
        const running = new Set(nodes.filter((_, i) => runningFlags[i]).map((n) => n.id));
        expect(set.ready(running)).toEqual(readyWps(g, lanes, running));
        for (const [index, lane] of changes) {
          const id = nodes[index]?.id ?? 'WP-not-in-the-graph';
          set.setLane(id, lane);
          if (nodes[index]) lanes.set(id, lane);
          expect(set.ready(running)).toEqual(readyWps(g, lanes, running));
          expect(set.ready(new Set())).toEqual(readyWps(g, lanes, new Set()));
        }
      }),
    );
  });

  it('opens a dependent only once its last dependency is done, and closes it when one is undone', () => {
    const g = buildGraph([
      { id: 'WP01', dependencies: [] },
      { id: 'WP02', dependencies: [] },
      { id: 'WP03', dependencies: ['WP01', 'WP02'] },
    ]);
    const set = new ReadySet(g);
    set.setLane('WP01', 'done');
    expect(set.ready(new Set())).toEqual(['WP02']);
    set.setLane('WP02', 'done');
    expect(set.ready(new Set())).toEqual(['WP03']);
    set.setLane('WP02', 'in_progress');
    expect(set.ready(new Set())).toEqual([]);
  });
});
