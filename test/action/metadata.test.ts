import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_NAMES, parseInputs } from '../../src/action/inputs.js';
import { OUTPUT_DEFAULTS } from '../../src/action/outputs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ActionYml {
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}

const actionYml = async () => parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;

/** The rows of the markdown table under `## <heading>` of docs/action.md, as arrays of cells. */
async function docsTable(heading: string): Promise<string[][]> {
  const action = await readFile(path.join(ROOT, 'docs', 'action.md'), 'utf8');
  const section = action.split(`\n## ${heading}\n`)[1]?.split(/\n##+ /)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\) \| /)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
}

const defaultCell = (input: ActionYml['inputs'][string]) =>
  input.required
    ? '(required)'
    : input.default === '' || input.default === undefined
      ? '(empty)'
      : `\`${input.default}\``;

describe('action.yml is the contract', () => {
  it('declares exactly the inputs inputs.ts reads, and the docs table lists them with the same defaults and text', async () => {
    const yml = await actionYml();
    expect(Object.keys(yml.inputs)).toEqual([...INPUT_NAMES]);
    const rows = Object.entries(yml.inputs).map(([name, input]) => [
      `\`${name}\``,
      defaultCell(input),
      input.description,
    ]);
    expect(await docsTable('Inputs')).toEqual(rows);
  });

  it('declares exactly the outputs the action sets, and the docs table lists them', async () => {
    const yml = await actionYml();
    expect(Object.keys(yml.outputs).sort()).toEqual(Object.keys(OUTPUT_DEFAULTS).sort());
    const rows = Object.entries(yml.outputs).map(([name, output]) => [`\`${name}\``, output.description]);
    expect(await docsTable('Outputs')).toEqual(rows);
  });

  it('gives every optional input a string default that the schema accepts', async () => {
    const yml = await actionYml();
    const raw = Object.fromEntries(
      Object.entries(yml.inputs).map(([name, input]) => [name, input.required ? '001-x' : input.default]),
    );
    for (const [name, input] of Object.entries(yml.inputs)) {
      if (!input.required) expect(typeof input.default, name).toBe('string');
    }
    // The runner substitutes the expression; any token string stands in for it here.
    raw['github-token'] = 'ghs_x';
    expect(() => parseInputs(raw as Record<string, string>, '/ws')).not.toThrow();
  });

  it('has a description the Marketplace accepts (under 125 characters)', async () => {
    const yml = await actionYml();
    expect(yml.description.length).toBeGreaterThan(20);
    expect(yml.description.length).toBeLessThan(125);
  });

  it('never pastes an output expression into a `run:` script in the docs', async () => {
    const docs = await Promise.all(
      ['README.md', 'docs/action.md'].map((file) => readFile(path.join(ROOT, file), 'utf8')),
    );
    const runLines = docs
      .join('\n')
      .split('\n')
      .filter((line) => /^\s*run:/.test(line));
    expect(runLines.length).toBeGreaterThan(0);
    for (const line of runLines) expect(line).not.toMatch(/\$\{\{\s*steps\./);
    // Relative links from the README stay inside the repository (scripts/check-links checks they resolve).
    expect(docs[0]).not.toMatch(/\]\(\.\.\//);
  });

  it('runs main and post from the one committed bundle, post always', async () => {
    const yml = await actionYml();
    expect(yml.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()',
    });
  });
});
