import { describe, expect, it } from 'vitest';
import { simulate, type SimGraph } from '../../bench/lib/simulate.js';

const graph = (wps: Record<string, [number, string[]]>): SimGraph => ({
  deps: new Map(Object.entries(wps).map(([id, [, deps]]) => [id, deps])),
  work: new Map(Object.entries(wps).map(([id, [work]]) => [id, work])),
});

describe('the pure scheduling simulation of the engine bench', () => {
  it('longest remaining path first starts the long chain before short WPs that sort first', () => {
    // Z -> Y is the long chain (4); A and B are short and would go first by id.
    const g = graph({ A: [1, []], B: [1, []], Z: [2, []], Y: [2, ['Z']] });
    expect(simulate(g, 2, 'longest-path')).toBe(4);
    expect(simulate(g, 2, 'fifo')).toBe(5);
  });

  it('waves wait for every WP of the earlier wave; FIFO starts a dependent as soon as its own dependency is done', () => {
    const g = graph({ P: [1, []], Q: [3, []], R: [1, ['P']] });
    expect(simulate(g, 2, 'fifo')).toBe(3);
    expect(simulate(g, 2, 'waves')).toBe(4);
  });

  it('is bounded by the critical path and by the work per slot', () => {
    const g = graph({ A: [2, []], B: [2, []], C: [2, []], D: [1, ['A', 'B', 'C']] });
    for (const policy of ['longest-path', 'fifo', 'waves'] as const) {
      expect(simulate(g, 1, policy)).toBe(7);
      expect(simulate(g, 3, policy)).toBe(3);
    }
  });
});
