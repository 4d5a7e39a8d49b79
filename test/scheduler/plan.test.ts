import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANES, type Lane } from '../../src/feature/types.js';
import { buildGraph, type GraphNode } from '../../src/graph/index.js';
import { blockedWps, readyWps } from '../../src/scheduler/index.js';
import { arbitraryDag } from '../graph/dag-arbitrary.js';

const wp = (id: string, ...dependencies: string[]): GraphNode => ({ id, dependencies });

// WP01 -> WP02 -> WP03 (a long chain) and WP04, WP05 alone; WP06 needs WP01 and WP04.
const graph = buildGraph([
  wp('WP01'),
  wp('WP02', 'WP01'),
  wp('WP03', 'WP02'),
  wp('WP04'),
  wp('WP05'),
  wp('WP06', 'WP01', 'WP04'),
]);

describe('readyWps', () => {
  it('offers planned WPs without dependencies, longest chain first, then by id', () => {
    expect(readyWps(graph, new Map(), new Set())).toEqual(['WP01', 'WP04', 'WP05']);
  });

  it('waits for every dependency to be done, not merely approved', () => {
    const lanes = new Map<string, Lane>([
      ['WP01', 'done'],
      ['WP04', 'approved'],
      ['WP05', 'in_progress'],
    ]);
    expect(readyWps(graph, lanes, new Set())).toEqual(['WP02']);
    lanes.set('WP04', 'done');
    expect(readyWps(graph, lanes, new Set())).toEqual(['WP02', 'WP06']);
  });

  it('skips running WPs and WPs that are not planned', () => {
    const lanes = new Map<string, Lane>([
      ['WP04', 'failed'],
      ['WP05', 'blocked'],
    ]);
    expect(readyWps(graph, lanes, new Set(['WP01']))).toEqual([]);
  });
});

describe('blockedWps', () => {
  it('maps every planned WP behind a dead end to its root cause', () => {
    const lanes = new Map<string, Lane>([['WP01', 'failed']]);
    expect([...blockedWps(graph, lanes)]).toEqual([
      ['WP02', 'WP01'],
      ['WP06', 'WP01'],
      ['WP03', 'WP01'],
    ]);
    expect(blockedWps(graph, new Map([['WP04', 'canceled']]))).toEqual(new Map([['WP06', 'WP04']]));
    expect(blockedWps(graph, new Map([['WP01', 'done']])).size).toBe(0);
  });
});

describe('readyWps properties', () => {
  const scenario = arbitraryDag(25).chain((nodes) =>
    fc.tuple(
      fc.constant(nodes),
      fc.array(fc.constantFrom(...LANES), { minLength: nodes.length, maxLength: nodes.length }),
      fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }),
    ),
  );

  it('never returns a WP with an unfinished dependency, and misses none that could start', () => {
    fc.assert(
      fc.property(scenario, ([nodes, laneList, runningFlags]) => {
        const g = buildGraph(nodes);
        const lanes = new Map(nodes.map((n, i) => [n.id, laneList[i]!]));
        const running = new Set(nodes.filter((_, i) => runningFlags[i]).map((n) => n.id));
        const ready = readyWps(g, lanes, running);
        for (const id of ready) {
          expect(lanes.get(id)).toBe('planned');
          expect(running.has(id)).toBe(false);
          for (const dep of g.dependencies(id)) expect(lanes.get(dep)).toBe('done');
        }
        const startable = nodes.filter(
          (n) =>
            lanes.get(n.id) === 'planned' &&
            !running.has(n.id) &&
            n.dependencies.every((d) => lanes.get(d) === 'done'),
        );
        expect(new Set(ready)).toEqual(new Set(startable.map((n) => n.id)));
        for (let i = 1; i < ready.length; i++) {
          expect(g.remainingPath(ready[i - 1]!)).toBeGreaterThanOrEqual(g.remainingPath(ready[i]!));
        }
      }),
    );
  });

  it('drains any DAG in dependency order when every started WP finishes', () => {
    fc.assert(
      fc.property(arbitraryDag(25), (nodes) => {
        const g = buildGraph(nodes);
        const lanes = new Map<string, Lane>();
        let rounds = 0;
        for (
          let ready = readyWps(g, lanes, new Set());
          ready.length > 0;
          ready = readyWps(g, lanes, new Set())
        ) {
          for (const id of ready) lanes.set(id, 'done');
          rounds++;
        }
        expect(lanes.size).toBe(nodes.length);
        expect(rounds).toBe(g.waves().length);
      }),
    );
  });
});
