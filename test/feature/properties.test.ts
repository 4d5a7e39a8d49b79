import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isKittyError } from '../../src/errors.js';
import { readFeature } from '../../src/feature/read.js';
import { parseTasksMd, tickSubtasks } from '../../src/feature/tasks-md.js';
import { parseWorkPackageFile } from '../../src/feature/wp-file.js';
import { useTempDirs, writeFeature } from '../helpers/feature-fixtures.js';

const tempDir = useTempDirs();

/** Calls fn; anything thrown must be a KittyError. */
function onlyKittyErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isKittyError(e)) throw e;
  }
}

const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '---',
        '...',
        'work_package_id:',
        'dependencies:',
        'subtasks:',
        'title:',
        'lane:',
        'owned_files:',
        ' - ',
        '  ',
        '\t',
        '\n',
        '\r\n',
        '[',
        ']',
        '{',
        '}',
        ',',
        ':',
        '"',
        "'",
        '&a ',
        '*a',
        '!!timestamp ',
        '!!binary ',
        '!!map',
        '? ',
        '|',
        '>',
        '#',
        '%YAML 1.1\n',
        '2025-11-11',
        'WP01',
        'T001',
        '__proto__: ',
        '<<: *a',
        '~',
        'null',
        '\uFEFF',
        '@',
        '`',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('frontmatter never throws anything but a KittyError', () => {
  it('on arbitrary YAML-ish text', () => {
    fc.assert(
      fc.property(yamlish, fc.boolean(), (yaml, closed) => {
        const text = `---\n${yaml}\n${closed ? '---\n' : ''}body`;
        onlyKittyErrors(() => parseWorkPackageFile(text, 'tasks/WP01-x.md', 'WP01-x.md'));
      }),
      { numRuns: 600 },
    );
  });

  it('on arbitrary unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        onlyKittyErrors(() => parseWorkPackageFile(text, 'f', 'WP01.md'));
        onlyKittyErrors(() => parseWorkPackageFile(`---\n${text}\n---\n`, 'f', 'WP01.md'));
      }),
      { numRuns: 100 },
    );
  });

  it('on arbitrary values under the keys we read, always giving clean types', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const keys = fc.record(
      {
        work_package_id: value,
        title: value,
        work_package_title: value,
        dependencies: value,
        subtasks: value,
        owned_files: value,
        lane: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(keys, (fm) => {
        const { draft } = parseWorkPackageFile(`---\n${stringify(fm)}---\nbody\n`, 'f', 'WP01-x.md');
        expect(typeof draft.id).toBe('string');
        expect(typeof draft.title).toBe('string');
        expect(draft.dependencies.every((d) => typeof d === 'string' && d !== '')).toBe(true);
        expect(draft.ownedFiles.every((d) => typeof d === 'string')).toBe(true);
        for (const s of draft.subtasks) {
          expect([typeof s.id, typeof s.title, typeof s.done, typeof s.parallel]).toEqual([
            'string',
            'string',
            'boolean',
            'boolean',
          ]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('through readFeature on disk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(yamlish, { minLength: 1, maxLength: 3 }), async (frontmatters) => {
        const repo = await tempDir();
        await writeFeature(repo, {
          slug: 'p',
          wps: frontmatters.map((rawFrontmatter, i) => ({ id: `WP0${i + 1}`, rawFrontmatter })),
        });
        await readFeature('p', repo).catch((e: unknown) => {
          if (!isKittyError(e)) throw e;
        });
      }),
      { numRuns: 25 },
    );
  });
});

const tasksLine = fc.oneof(
  fc.constantFrom(
    '## Work Package WP01: One',
    '## WP02 - Two',
    '### WP01',
    '## Notes',
    '#### Sub',
    '```',
    '~~~',
    '| ID | Title | WP |',
    '|---|---|---|',
    '| T001 | row | WP02 |',
    '**Subtasks**: T001, T003',
    '',
  ),
  fc
    .record({
      indent: fc.constantFrom('', '  ', '\t'),
      bullet: fc.constantFrom('-', '*', '+', '1.'),
      box: fc.constantFrom('[ ]', '[x]', '[X]', '[]', '[  ]', '✅'),
      id: fc.constantFrom('T001', 'T002', '**T003**', 'X1', ''),
      p: fc.constantFrom('', ' [P]'),
      tag: fc.constantFrom('', ' (WP01)', ' [WP02]'),
      text: fc.string({ maxLength: 10 }),
    })
    .map((l) => `${l.indent}${l.bullet} ${l.box} ${l.id}${l.p} ${l.text}${l.tag}`),
  fc.string({ maxLength: 20 }),
);

const tasksMd = fc
  .tuple(fc.array(tasksLine, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, bom]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}`);

describe('tickSubtasks', () => {
  it('is idempotent and changes only checkbox characters, from space to x', () => {
    fc.assert(
      fc.property(tasksMd, fc.constantFrom('WP01', 'WP02', 'wp1', 'WP09'), (md, wp) => {
        const once = tickSubtasks(md, wp);
        expect(tickSubtasks(once, wp)).toBe(once);
        expect(once.length).toBe(md.length);
        for (let i = 0; i < md.length; i++) {
          if (once[i] === md[i]) continue;
          expect([md[i], once[i], md[i - 1], md[i + 1]]).toEqual([' ', 'x', '[', ']']);
        }
      }),
      { numRuns: 800 },
    );
  });

  it('leaves no unticked checkbox subtask of the WP behind (parser and ticker agree)', () => {
    fc.assert(
      fc.property(tasksMd, (md) => {
        const ticked = tickSubtasks(md, 'WP01');
        const before = parseTasksMd(md).get('WP01') ?? [];
        const after = parseTasksMd(ticked).get('WP01') ?? [];
        expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
        // Another WP's subtasks are untouched.
        expect(parseTasksMd(ticked).get('WP02')).toEqual(parseTasksMd(md).get('WP02'));
      }),
      { numRuns: 400 },
    );
  });
});
