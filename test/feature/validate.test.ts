import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { validateWorkPackages, type WpNode } from '../../src/feature/validate.js';

const node = (id: string, dependencies: string[] = [], file = `tasks/${id}.md`): WpNode => ({
  id,
  dependencies,
  file,
});

function graphError(nodes: WpNode[]): string {
  try {
    validateWorkPackages(nodes);
  } catch (e) {
    expect(e).toBeInstanceOf(KittyError);
    expect((e as KittyError).kind).toBe('graph');
    return (e as KittyError).message;
  }
  throw new Error('expected a graph error');
}

describe('validateWorkPackages', () => {
  it('accepts a valid graph', () => {
    expect(() =>
      validateWorkPackages([node('WP01'), node('WP02', ['WP01']), node('WP03', ['WP01', 'WP02'])]),
    ).not.toThrow();
  });

  it('rejects a duplicate id, naming both files', () => {
    expect(
      graphError([
        node('WP01', [], 'tasks/WP01-a.md'),
        node('WP02'),
        node('WP01', [], 'tasks/doing/WP01-b.md'),
      ]),
    ).toBe('duplicate work package id WP01: tasks/WP01-a.md and tasks/doing/WP01-b.md');
  });

  it('rejects a dependency on a missing WP, naming the file and the id', () => {
    expect(graphError([node('WP01'), node('WP03', ['WP01', 'WP09'], 'tasks/WP03-x.md')])).toBe(
      'tasks/WP03-x.md: WP03 depends on WP09, which does not exist',
    );
  });

  it('names a cycle from its smallest id', () => {
    expect(graphError([node('WP01'), node('WP05', ['WP02']), node('WP02', ['WP05'])])).toBe(
      'dependency cycle: WP02 -> WP05 -> WP02 (fix the dependencies in tasks/WP02.md, tasks/WP05.md)',
    );
    expect(graphError([node('WP03', ['WP01']), node('WP01', ['WP02']), node('WP02', ['WP03'])])).toBe(
      'dependency cycle: WP01 -> WP02 -> WP03 -> WP01 (fix the dependencies in tasks/WP01.md, tasks/WP02.md, tasks/WP03.md)',
    );
  });

  it('rejects a self-dependency', () => {
    expect(graphError([node('WP01'), node('WP02', ['WP02'])])).toBe(
      'dependency cycle: WP02 -> WP02 (fix the dependencies in tasks/WP02.md)',
    );
  });

  it('finds a cycle hanging off a long acyclic tail', () => {
    const nodes = [node('WP1')];
    for (let i = 2; i <= 50; i++) nodes.push(node(`WP${i}`, [`WP${i - 1}`]));
    nodes[0] = node('WP1', ['WP50']);
    expect(graphError(nodes)).toMatch(
      /^dependency cycle: WP1 -> WP50 -> WP49 -> .* -> WP2 -> WP1 \(fix the dependencies in tasks\/WP1\.md, tasks\/WP50\.md, tasks\/WP49\.md, tasks\/WP48\.md, 46 more\)$/,
    );
  });

  it('handles a 20,000-WP chain (no recursion) and a wide 2,000-WP graph', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => node(`WP${i + 1}`, i === 0 ? [] : [`WP${i}`]));
    expect(() => validateWorkPackages(chain)).not.toThrow();
    chain[0] = node('WP1', ['WP20000']);
    expect(graphError(chain)).toMatch(/^dependency cycle: WP1 -> WP20000 -> WP19999 -> /);

    const wide = Array.from({ length: 2_000 }, (_, i) =>
      node(
        `WP${i + 1}`,
        Array.from({ length: Math.min(i, 20) }, (_, j) => `WP${i - j}`),
      ),
    );
    expect(() => validateWorkPackages(wide)).not.toThrow();
  });
});
