import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { parseFrontmatter, splitFrontmatter } from '../../src/feature/frontmatter.js';
import { parseWorkPackageFile } from '../../src/feature/wp-file.js';

const wp = (yaml: string, body = '\n# Heading title\n', fileName = 'WP03-from-file-name.md') =>
  parseWorkPackageFile(`---\n${yaml}\n---\n${body}`, `tasks/${fileName}`, fileName);

function featureError(fn: () => unknown): KittyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KittyError);
    expect((e as KittyError).kind).toBe('feature');
    return e as KittyError;
  }
  throw new Error('expected a KittyError');
}

describe('splitFrontmatter', () => {
  it('splits YAML from the body', () => {
    expect(splitFrontmatter('---\na: 1\n---\n# Body\n', 'f.md')).toEqual({
      yaml: 'a: 1',
      yamlLine: 2,
      body: '# Body\n',
    });
  });

  it('handles a BOM and CRLF line endings', () => {
    const split = splitFrontmatter('\uFEFF---\r\na: 1\r\n---\r\nline one\r\nline two\r\n', 'f.md');
    expect(split.yaml).toBe('a: 1');
    expect(split.body).toBe('line one\nline two\n');
  });

  it('treats a file without an opening fence as all body', () => {
    expect(splitFrontmatter('# Just markdown\n---\n', 'f.md')).toEqual({
      yaml: null,
      yamlLine: 1,
      body: '# Just markdown\n---\n',
    });
  });

  it('accepts `...` as the closing fence and empty frontmatter', () => {
    expect(splitFrontmatter('---\na: 1\n...\nbody', 'f.md').body).toBe('body');
    expect(splitFrontmatter('---\n---\nbody', 'f.md').yaml).toBe('');
  });

  it('rejects unterminated frontmatter, naming the file', () => {
    const e = featureError(() => splitFrontmatter('---\na: 1\n# no end\n', 'tasks/WP01-x.md'));
    expect(e.message).toBe("tasks/WP01-x.md: invalid frontmatter: no closing '---' line after line 1");
  });
});

describe('parseFrontmatter', () => {
  it('keeps YAML dates as strings (YAML 1.2 core schema)', () => {
    expect(parseFrontmatter('created: 2025-11-11\nat: 2025-11-11T10:00:00Z', 'f.md')).toEqual({
      created: '2025-11-11',
      at: '2025-11-11T10:00:00Z',
    });
  });

  it('turns an explicit !!timestamp into an ISO string', () => {
    expect(parseFrontmatter('history:\n  - date: !!timestamp 2025-11-11', 'f.md')).toEqual({
      history: [{ date: '2025-11-11T00:00:00.000Z' }],
    });
  });

  it('reads empty frontmatter as an empty mapping', () => {
    expect(parseFrontmatter('', 'f.md')).toEqual({});
    expect(parseFrontmatter('# only a comment', 'f.md')).toEqual({});
  });

  it('tolerates a repeated key (last wins) and keeps __proto__ an ordinary key', () => {
    const fm = parseFrontmatter('title: a\ntitle: b\n__proto__: x', 'f.md');
    expect(fm.title).toBe('b');
    expect(Object.keys(fm)).toContain('__proto__');
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });

  it('rejects broken YAML with the file line of the error', () => {
    // Frontmatter starts on file line 2; the broken flow list is on YAML line 2 -> file line 3.
    const e = featureError(() =>
      parseFrontmatter('title: ok\ndeps: [WP01,\nlane: planned', 'tasks/WP02-x.md', 2),
    );
    expect(e.message).toMatch(/^tasks\/WP02-x\.md: invalid frontmatter: .+ at line \d+, column \d+$/);
    expect(e.message).not.toContain('\n');
  });

  it('reports the file line, not the YAML line', () => {
    const e = featureError(() => parseFrontmatter('a: 1\nb: 2\nc: "unclosed', 'f.md', 2));
    expect(e.message).toMatch(/double quoted scalar at line 4, column 13$/);
  });

  it.each([
    ['a list', '- a\n- b'],
    ['a string', 'just text'],
    ['a number', '42'],
  ])('rejects a frontmatter that is %s', (kind, yaml) => {
    const e = featureError(() => parseFrontmatter(yaml, 'tasks/WP01.md'));
    expect(e.message).toBe(`tasks/WP01.md: invalid frontmatter: expected a mapping of keys, got ${kind}`);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      bomb.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    featureError(() => parseFrontmatter(bomb.join('\n'), 'f.md'));
  });
});

describe('parseWorkPackageFile: ids and titles', () => {
  it('reads the documented keys', () => {
    const { draft, warnings } = wp(
      'work_package_id: WP03\ntitle: Order placement\ndependencies: [WP01, WP02]\nsubtasks: [T001, T002]\n' +
        'owned_files: [src/a.ts]\nlane: doing\nexecution_mode: code_change',
      '\nBody text\n',
    );
    expect(draft).toEqual({
      id: 'WP03',
      title: 'Order placement',
      dependencies: ['WP01', 'WP02'],
      subtasks: [
        { id: 'T001', title: '', done: false, parallel: false },
        { id: 'T002', title: '', done: false, parallel: false },
      ],
      ownedFiles: ['src/a.ts'],
      lane: 'doing',
      body: '\nBody text\n',
    });
    expect(warnings).toEqual([]);
  });

  it('takes the id from the file name when work_package_id is missing', () => {
    expect(wp('title: x').draft.id).toBe('WP03');
    expect(parseWorkPackageFile('# no frontmatter\n', 'tasks/wp7-x.md', 'wp7-x.md').draft.id).toBe('WP7');
  });

  it('reads a numeric work_package_id as WPnn', () => {
    expect(wp('work_package_id: 3').draft.id).toBe('WP03');
  });

  it('warns when the frontmatter id and the file name disagree, and trusts the frontmatter', () => {
    const { draft, warnings } = wp('work_package_id: WP04');
    expect(draft.id).toBe('WP04');
    expect(warnings).toEqual([
      'tasks/WP03-from-file-name.md: work_package_id WP04 differs from the file name; using WP04',
    ]);
  });

  it('does not warn for WP3 vs WP03', () => {
    expect(wp('work_package_id: WP3').warnings).toEqual([]);
  });

  it('falls back to work_package_title, then the first heading, then the file name', () => {
    expect(wp('work_package_title: Old title').draft.title).toBe('Old title');
    expect(wp('a: 1', '\n# Work Package Prompt: WP03 – Pretty title\n').draft.title).toBe('Pretty title');
    expect(wp('a: 1', '\n# WP03: Colon title\n').draft.title).toBe('Colon title');
    expect(wp('a: 1', '\nno heading\n').draft.title).toBe('from file name');
    expect(wp('title: ""', '\n## Not a level-one heading\n').draft.title).toBe('from file name');
    expect(wp('title: 42').draft.title).toBe('42');
  });
});

describe('parseWorkPackageFile: dependencies', () => {
  it.each([
    ['missing', 'title: x', []],
    ['null', 'dependencies:', []],
    ['the string "[]"', 'dependencies: "[]"', []],
    ['an empty list', 'dependencies: []', []],
    ['a comma string', 'dependencies: "WP01, WP02"', ['WP01', 'WP02']],
    ['a quoted list string', `dependencies: "['WP01', 'WP02']"`, ['WP01', 'WP02']],
    ['a single string', 'dependencies: WP01', ['WP01']],
    ['a block list', 'dependencies:\n  - WP01\n  - " WP02 "', ['WP01', 'WP02']],
    ['a list with duplicates', 'dependencies: [WP01, WP01]', ['WP01']],
    ['dicts', 'dependencies: [{id: WP01}, {work_package_id: WP02}]', ['WP01', 'WP02']],
    ['file-name style refs', 'dependencies: [WP01-foundation, "WP02 (core)"]', ['WP01', 'WP02']],
    ['the word None', 'dependencies: None', []],
  ])('accepts %s', (_name, yaml, expected) => {
    expect(wp(yaml).draft.dependencies).toEqual(expected);
  });

  it('drops entries it cannot read, with a warning naming the file and key', () => {
    const { draft, warnings } = wp('dependencies: [WP01, [nested], {x: 1}]');
    expect(draft.dependencies).toEqual(['WP01']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^tasks\/WP03-from-file-name\.md: dependencies: ignored entry/);
  });
});

describe('parseWorkPackageFile: subtasks and owned files', () => {
  const sub = (id: string, title = '', done = false, parallel = false) => ({ id, title, done, parallel });

  it.each([
    ['a list of ids', 'subtasks: [T001, T002]', [sub('T001'), sub('T002')]],
    ['a comma string', 'subtasks: "T001, T002"', [sub('T001'), sub('T002')]],
    [
      'ids with text',
      'subtasks: ["T001: Create model", "T002 [P] Tests"]',
      [sub('T001', 'Create model'), sub('T002', 'Tests', false, true)],
    ],
    [
      'dicts',
      'subtasks:\n  - {id: T001, title: Model, done: true}\n  - {id: T002, description: Tests, status: done}\n  - {id: T003, parallel: true}',
      [sub('T001', 'Model', true), sub('T002', 'Tests', true), sub('T003', '', false, true)],
    ],
    [
      'a mapping',
      'subtasks:\n  T001: Model\n  T002: {done: true}',
      [sub('T001', 'Model'), sub('T002', '', true)],
    ],
    ['lower-case ids', 'subtasks: [t001]', [sub('T001')]],
    ['repeated ids', 'subtasks: [T001, {id: T001, title: Again}]', [sub('T001', 'Again')]],
    ['null', 'subtasks:', []],
  ])('accepts %s', (_name, yaml, expected) => {
    expect(wp(yaml).draft.subtasks).toEqual(expected);
  });

  it('drops a dict without an id, with a warning', () => {
    const { draft, warnings } = wp('subtasks: [{title: no id}, T002]');
    expect(draft.subtasks.map((s) => s.id)).toEqual(['T002']);
    expect(warnings[0]).toContain('subtasks: ignored entry');
  });

  it('reads owned_files as a list or a single string', () => {
    expect(wp('owned_files: src/a.ts').draft.ownedFiles).toEqual(['src/a.ts']);
    expect(wp('owned_files: [src/a.ts, "", src/a.ts, 7]').draft.ownedFiles).toEqual(['src/a.ts', '7']);
    expect(wp('title: x').draft.ownedFiles).toEqual([]);
  });

  it('keeps the body verbatim after the frontmatter', () => {
    const text = '---\ntitle: x\n---\n\n# Prompt\n\n```yaml\n---\nnot: frontmatter\n---\n```\n';
    expect(parseWorkPackageFile(text, 'f', 'WP01.md').draft.body).toBe(
      '\n# Prompt\n\n```yaml\n---\nnot: frontmatter\n---\n```\n',
    );
  });
});
