import { describe, expect, it } from 'vitest';
import { readFeature } from '../../src/feature/read.js';
import { parseSubtaskMarks } from '../../src/feature/subtask-marks.js';
import { laneEvent, useTempDirs, writeFeature } from '../helpers/feature-fixtures.js';

/** What `spec-kitty agent tasks mark-status` appends (spec-kitty 3.2.7). */
const mark = (wpId: string, subtasks: Record<string, string>) => ({
  kind: 'annotation',
  event_id: `01MARK${wpId}${Object.keys(subtasks).join('')}`,
  wp_id: wpId,
  actor: 'someone',
  delta: { subtasks },
});

describe('subtask completion recorded by spec-kitty 3.x', () => {
  const tempDir = useTempDirs();

  it('plan sees the subtasks spec-kitty marked done (tasks.md has no checkboxes in 3.x)', async () => {
    const repo = await tempDir();
    const wps = [
      { id: 'WP01', subtasks: ['T001', 'T002'] },
      { id: 'WP02', subtasks: ['T003', 'T004'] },
    ];
    await writeFeature(repo, {
      slug: '001-demo',
      wps,
      tasksMd: '# Tasks\n\n## WP01\n\n**Subtasks**: T001, T002\n\n## WP02\n\n**Subtasks**: T003, T004\n',
      events: [
        laneEvent('WP01', 'in_progress'),
        mark('WP01', { T001: 'done', T002: 'done' }),
        mark('WP02', { T003: 'done' }),
        mark('WP02', { T003: 'planned' }),
        mark('WP02', { T004: 'done' }),
      ],
    });
    const { feature } = await readFeature('001-demo', repo);
    const done = (id: string) =>
      feature.workPackages.find((wp) => wp.id === id)?.subtasks.map((s) => [s.id, s.done]);
    expect(done('WP01')).toEqual([
      ['T001', true],
      ['T002', true],
    ]);
    // The last mark of a subtask wins.
    expect(done('WP02')).toEqual([
      ['T003', false],
      ['T004', true],
    ]);
  });

  it('skips lines that are not marks, torn lines and marks of unknown shape', () => {
    const text = [
      JSON.stringify(laneEvent('WP01', 'done')),
      JSON.stringify(mark('WP01', { T001: 'done' })),
      '{"kind":"annotation","wp_id":"WP02","delta":{"subtasks":null}}',
      '{"kind":"annotation","wp_id":"WP03","delta":{"subtasks":{"T9":"done"',
    ].join('\n');
    expect([...parseSubtaskMarks(text)]).toEqual([['WP01', new Map([['T001', true]])]]);
  });
});
