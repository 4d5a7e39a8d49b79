import { describe, expect, it } from 'vitest';
import { parseTasksMd, tickSubtasks } from '../../src/feature/tasks-md.js';

const sub = (id: string, title = '', done = false, parallel = false) => ({ id, title, done, parallel });
const parse = (text: string) => Object.fromEntries(parseTasksMd(text));

describe('parseTasksMd: sections and checkboxes', () => {
  it('reads `## Work Package WPnn:` sections with checkbox subtasks', () => {
    const md = [
      '# Work Packages',
      '## Work Package WP01: Setup (Priority: P0)',
      '### Included Subtasks',
      '- [ ] T001 [P] Create the model',
      '- [x] T002 Write tests',
      '* [X] T003: Star bullet, upper X',
      '1. [ ] T004 Numbered',
      '### Dependencies',
      '- None.',
      '## Work Package WP02: Next',
      '- [ ] [P] T005 Marker first',
      '- [ ] **T006**: Bold id',
      '- ✅ T007 Done by emoji',
      '- [ ] No id here',
    ].join('\n');
    expect(parse(md)).toEqual({
      WP01: [
        sub('T001', 'Create the model', false, true),
        sub('T002', 'Write tests', true),
        sub('T003', 'Star bullet, upper X', true),
        sub('T004', 'Numbered'),
      ],
      WP02: [
        sub('T005', 'Marker first', false, true),
        sub('T006', 'Bold id'),
        sub('T007', 'Done by emoji', true),
      ],
    });
  });

  it.each([
    ['## WP01 - Title'],
    ['## WP01: Title'],
    ['### WP01'],
    ['#### WP01: Foundation Layer [Priority: P1] ✅'],
    ['## Work Package 1: Title'],
    ['## ✅ WP01 – Title'],
  ])('recognises the heading %s', (heading) => {
    const keys = [...parseTasksMd(`${heading}\n- [ ] T001 x\n`).keys()];
    expect(keys.length).toBe(1);
    expect(keys[0]).toMatch(/^WP0?1$/);
  });

  it('does not treat headings that merely mention a WP later as sections', () => {
    expect(parse('## Phase 1 (WP01-WP03)\n- [ ] T001 x\n')).toEqual({});
  });

  it('closes a section at a heading of the same or higher level', () => {
    const md =
      '### WP01\n- [ ] T001 a\n#### Sub\n- [ ] T002 b\n## Definition of Done\n- [ ] T099 not a subtask\n';
    expect(parse(md)).toEqual({ WP01: [sub('T001', 'a'), sub('T002', 'b')] });
  });

  it('ignores subtasks inside code fences', () => {
    const md =
      '## WP01\n```markdown\n- [ ] T001 example\n## WP02\n```\n- [ ] T002 real\n~~~\n- [ ] T003 x\n~~~\n';
    expect(parse(md)).toEqual({ WP01: [sub('T002', 'real')] });
  });

  it('reads bare `T001 text (WP01)` lines inside a section, and strips the tag', () => {
    const md =
      '## Work Package WP01: A\n### Included Subtasks\n\nT001 Re-pin the test (WP01)\nT002 Seed WP02 approved (WP01)\n';
    expect(parse(md)).toEqual({ WP01: [sub('T001', 'Re-pin the test'), sub('T002', 'Seed WP02 approved')] });
  });

  it('assigns a tagged checkbox outside any section to its tag', () => {
    expect(parse('## Phase 1\n- [ ] T001 [P] Do a thing [WP02]\n- [ ] T002 no tag\n')).toEqual({
      WP02: [sub('T001', 'Do a thing', false, true)],
    });
  });

  it('reads inline `**Subtasks**: T001, T002` lists and ranges', () => {
    const md =
      '## WP01\n**Subtasks**: T001, T002\n## WP02\n- Included subtasks: T003–T005\n## WP03\nSubtasks: T009-T007\n';
    expect(parse(md)).toEqual({
      WP01: [sub('T001'), sub('T002')],
      WP02: [sub('T003'), sub('T004'), sub('T005')],
      WP03: [sub('T009'), sub('T007')],
    });
  });

  it('merges repeated mentions: titles fill in, done and [P] stick', () => {
    const md =
      '## WP01\n**Subtasks**: T001, T002\n- [x] T001 Titled\n- [ ] T002 [P] Second\n- [ ] T001 Other title\n';
    expect(parse(md)).toEqual({ WP01: [sub('T001', 'Titled', true), sub('T002', 'Second', false, true)] });
  });

  it('lets the same T-id live in two WPs (real files reuse numbers)', () => {
    expect(parse('## WP01\n- [ ] T020 a\n## WP02\n- [x] T020 b\n')).toEqual({
      WP01: [sub('T020', 'a')],
      WP02: [sub('T020', 'b', true)],
    });
  });

  it('handles CRLF and a BOM', () => {
    expect(parse('\uFEFF## WP01\r\n- [x] T001 Done\r\n')).toEqual({ WP01: [sub('T001', 'Done', true)] });
  });
});

describe('parseTasksMd: tables', () => {
  it('reads a subtask index table with a WP column', () => {
    const md = [
      '## Subtask Index',
      '| ID | Description | WP | Parallel |',
      '|----|-------------|----|----------|',
      '| T001 | First | WP01 | [P] |',
      '| T002 | Second | WP02 | |',
      '| Total | | | |',
    ].join('\n');
    expect(parse(md)).toEqual({ WP01: [sub('T001', 'First', false, true)], WP02: [sub('T002', 'Second')] });
  });

  it('reads the column order of the brief: id, summary, WP, priority, parallel', () => {
    const md =
      '| Task | Summary | Work Package | Priority | Parallel? |\n|---|---|---|---|---|\n| T001 | summary | WP01 | P0 | Yes |\n';
    expect(parse(md)).toEqual({ WP01: [sub('T001', 'summary', false, true)] });
  });

  it('reads a done/status column', () => {
    const md =
      '## WP03\n| ID | Title | Status |\n|:--|:--|:--:|\n| T001 | a | ✅ Done |\n| T002 | b | not done |\n| T003 | c | [x] |\n';
    expect(parse(md)).toEqual({ WP03: [sub('T001', 'a', true), sub('T002', 'b'), sub('T003', 'c', true)] });
  });

  it('does not assign rows through a dependencies column', () => {
    const md = '## Summary\n| ID | Title | Depends on |\n|---|---|---|\n| T001 | x | WP01 |\n';
    expect(parse(md)).toEqual({});
  });

  it('ignores WP summary tables without T-ids', () => {
    const md =
      '| ID | Title | Dependencies |\n|---|---|---|\n| WP01 | Setup | None |\n| WP02 | Core | WP01 |\n';
    expect(parse(md)).toEqual({});
  });

  it('uses a WP-looking cell when the table has no header', () => {
    expect(parse('| T001 | thing | WP04 |\n')).toEqual({ WP04: [sub('T001', 'thing')] });
  });

  it('mixes tables, checkboxes and inline lists in one file', () => {
    const md = [
      '| ID | Description | WP |',
      '|---|---|---|',
      '| T001 | From table | WP01 |',
      '',
      '## WP01 - One',
      '- [x] T001 From checkbox',
      '**Subtasks**: T001, T002',
      '## WP02 - Two',
      '| ID | Description |',
      '|---|---|',
      '| T003 | Row in WP02 section |',
      '## Notes',
      '| T004 | orphan row |',
    ].join('\n');
    expect(parse(md)).toEqual({
      WP01: [sub('T001', 'From table', true), sub('T002')],
      WP02: [sub('T003', 'Row in WP02 section')],
    });
  });
});

describe('tickSubtasks', () => {
  const md = [
    '# Tasks',
    '## Work Package WP01: One',
    '- [ ] T001 [P] a',
    '- [x] T002 b',
    '- [ ] not a subtask',
    '```',
    '- [ ] T009 in a fence',
    '```',
    '## Work Package WP02: Two',
    '- [ ] T003 c',
    '## Definition of Done',
    '- [ ] T004 d (WP01)',
    '',
  ].join('\n');

  it("ticks only the WP's checkbox subtasks", () => {
    expect(tickSubtasks(md, 'WP01')).toBe(
      md.replace('- [ ] T001', '- [x] T001').replace('- [ ] T004 d (WP01)', '- [x] T004 d (WP01)'),
    );
    expect(tickSubtasks(md, 'WP02')).toBe(md.replace('- [ ] T003', '- [x] T003'));
  });

  it('is idempotent and a no-op for unknown WPs', () => {
    const once = tickSubtasks(md, 'WP01');
    expect(tickSubtasks(once, 'WP01')).toBe(once);
    expect(tickSubtasks(md, 'WP07')).toBe(md);
  });

  it('matches the WP id loosely and keeps CRLF and a BOM byte-identical', () => {
    const crlf = '\uFEFF## WP01\r\n- [ ] T001 a\r\n  - [ ] T002 nested\r\n';
    expect(tickSubtasks(crlf, 'wp1')).toBe('\uFEFF## WP01\r\n- [x] T001 a\r\n  - [x] T002 nested\r\n');
  });

  it('agrees with the parser: after ticking, every checkbox subtask of the WP is done', () => {
    const after = parseTasksMd(tickSubtasks(md, 'WP01')).get('WP01') ?? [];
    expect(after.map((s) => [s.id, s.done])).toEqual([
      ['T001', true],
      ['T002', true],
      ['T004', true],
    ]);
  });
});
