import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWithJsYaml, splitFrontmatter } from '../../src/feature/frontmatter.js';
import { readPlainYaml } from '../../src/feature/frontmatter-fast.js';
import { makeGraph, wpFile } from '../../bench/make-graph.js';

/** The full parser's answer, or the error it throws. */
function full(yaml: string): unknown {
  try {
    return parseWithJsYaml(yaml, 'x.md');
  } catch (error) {
    return error;
  }
}

/** Whenever the fast reader answers, the full parser answers the same (and does not fail). */
function expectSameAsFull(yaml: string): boolean {
  const fast = readPlainYaml(yaml);
  if (fast === undefined) return false;
  const expected = full(yaml);
  expect(expected, yaml).not.toBeInstanceOf(Error);
  expect(fast, yaml).toEqual(expected);
  return true;
}

const TRICKY = [
  '',
  'true',
  'False',
  'NULL',
  '~',
  'null',
  'yes',
  'no',
  '0',
  '7',
  '007',
  '-3',
  '+1',
  '1.5',
  '1e3',
  '.5',
  '0x1F',
  '0o17',
  '1_000',
  '.inf',
  '-.Inf',
  '.NaN',
  '2026-01-01',
  '2026-01-01T00:00:00Z',
  'WP01',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  "it's",
  'say "hi"',
  'back\\slash',
  '-x',
  '- x',
  '*x',
  '&a',
  '!tag',
  '[a, b]',
  '{a: 1}',
  'a, b',
  '%x',
  '@x',
  '`x`',
  '?x',
  'x:',
  ' padded ',
  'é ü 日本',
  'src/**/*.ts',
  '#',
  '|',
  '>',
];

const text = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.stringMatching(/^[a-zA-Z0-9 _.:#'"\\*!&|>?,[\]{}%@`~-]{0,10}$/),
);
const styled = fc.oneof(
  text,
  text.map((s) => `'${s.replaceAll("'", "''")}'`),
  text.map((s) => `"${s}"`),
);
const key = fc.constantFrom(
  'work_package_id',
  'title',
  'dependencies',
  'subtasks',
  'lane',
  'agent',
  'x-y',
  'k',
);

/** A value as the lines after `key:` at `indent`. */
type Entry = (key: string, indent: string) => string[];
const value: fc.Arbitrary<Entry> = fc.oneof<fc.Arbitrary<Entry>[]>(
  styled.map((s) => (k, i) => [`${i}${k}: ${s}`]),
  fc.constant((k: string, i: string) => [`${i}${k}:`]),
  fc.array(styled, { maxLength: 3 }).map((items) => (k, i) => [`${i}${k}: [${items.join(', ')}]`]),
  fc
    .tuple(fc.array(styled, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([items, flush]) => (k, i) => [`${i}${k}:`, ...items.map((s) => `${i}${flush ? '' : '  '}- ${s}`)]),
  fc
    .array(fc.tuple(key, styled, key, styled), { minLength: 1, maxLength: 2 })
    .map((entries) => (k, i) => [
      `${i}${k}:`,
      ...entries.flatMap(([k1, v1, k2, v2]) => [`${i}  - ${k1}: ${v1}`, `${i}    ${k2}: ${v2}`]),
    ]),
  fc
    .tuple(fc.constantFrom('|', '|-', '|+', '>'), fc.array(text, { minLength: 1, maxLength: 3 }), fc.nat(2))
    .map(([header, lines, extra]) => (k, i) => [
      `${i}${k}: ${header}`,
      ...lines.map((l, n) => (l === '' ? '' : `${i}  ${n === 1 ? ' '.repeat(extra) : ''}${l}`)),
    ]),
  fc.tuple(key, styled).map(([k2, v]) => (k, i) => [`${i}${k}:`, `${i}  ${k2}: ${v}`]),
);

/** Small edits that often make YAML invalid or different: the fast reader must then give up or agree. */
const mutation = fc.oneof(
  fc.constant((lines: string[]) => lines),
  fc.nat().map((n) => (lines: string[]) => lines.map((l, i) => (i === n % lines.length ? ` ${l}` : l))),
  fc
    .nat()
    .map((n) => (lines: string[]) => lines.map((l, i) => (i === n % lines.length ? l.replace(/^ /, '') : l))),
  fc.nat().map((n) => (lines: string[]) => lines.toSpliced(n % (lines.length + 1), 0, '# a comment')),
  fc.nat().map((n) => (lines: string[]) => lines.toSpliced(n % (lines.length + 1), 0, '')),
  fc.nat().map((n) => (lines: string[]) => lines.toSpliced(n % (lines.length + 1), 0, '   ')),
  fc.nat().map((n) => (lines: string[]) => lines.map((l, i) => (i === n % lines.length ? `${l} # c` : l))),
  fc.nat().map((n) => (lines: string[]) => lines.map((l, i) => (i === n % lines.length ? `\t${l}` : l))),
);

const frontmatter = fc
  .tuple(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 }), mutation)
  .map(([entries, mutate]) => mutate(entries.flatMap(([k, v]) => v(k, ''))).join('\n'));

describe('the fast frontmatter reader', () => {
  it('answers exactly as the full parser whenever it answers (property)', () => {
    let answered = 0;
    fc.assert(
      fc.property(frontmatter, (yaml) => {
        if (expectSameAsFull(yaml)) answered++;
      }),
      { numRuns: 3000 },
    );
    // It must not pass by never answering.
    expect(answered).toBeGreaterThan(300);
  });

  it('reads every WP file of the fixtures, the demo and the benchmark generator itself', async () => {
    const files: string[] = [];
    for (const root of ['demo', 'test/fixtures']) {
      for (const entry of await readdir(root, { recursive: true })) {
        if (/(^|\/)tasks\/[^/]+\.md$/.test(entry)) files.push(path.join(root, entry));
      }
    }
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    texts.push(...makeGraph({ wps: 20 }).map(wpFile));
    expect(texts.length).toBeGreaterThan(20);
    for (const [n, content] of texts.entries()) {
      const { yaml } = splitFrontmatter(content, files[n] ?? `generated ${n}`);
      if (yaml === null) continue;
      expect(expectSameAsFull(yaml), files[n]).toBe(true);
    }
  });

  it('reads the shapes spec-kitty writes', () => {
    const yaml = [
      'work_package_id: WP05',
      "title: 'Payment intents: 3-D Secure'",
      'dependencies: [WP01, "WP02"]',
      'subtasks:',
      '- T014',
      '- T015',
      'lane: planned',
      'estimate: 3',
      'notes: |',
      '  line one',
      '',
      '    indented',
      'history:',
      "  - timestamp: '2026-01-13T10:00:00Z'",
      '    lane: planned',
      '    agent: system',
      '    shell_pid: ""',
    ].join('\n');
    expect(expectSameAsFull(yaml)).toBe(true);
    expect(readPlainYaml(yaml)?.notes).toBe('line one\n\n  indented\n');
  });
});
