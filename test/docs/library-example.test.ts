import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../engine/harness.js';
import { readInvocations } from '../fake-agents/index.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARKER = '<!-- The example below is compiled and run by test/docs/library-example.test.ts';

/** The first ```ts block after the marker in docs/library.md, importing the source instead of the package. */
async function documentedExample(): Promise<string> {
  const doc = await readFile(path.join(ROOT, 'docs', 'library.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(doc.split(MARKER)[1] ?? '')?.[1];
  if (code === undefined) throw new Error('docs/library.md: no ```ts block after the example marker');
  return code.replace("from 'kitty-orchestrator'", `from '${path.join(ROOT, 'src', 'index.js')}'`);
}

/** Type errors of `file` under the repository's compiler options, as `line: message`. */
function typeErrors(file: string): string[] {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true, rootDir: undefined });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('the library example in docs/library.md', () => {
  it('type-checks against the public API and runs a feature to done with two agents', async () => {
    // Under the repository, so that its imports (the source, node_modules) resolve as in a project.
    await mkdir(path.join(ROOT, '.tmp'), { recursive: true });
    const dir = await mkdtemp(path.join(ROOT, '.tmp', 'library-example-'));
    tmp.push(dir);
    const file = path.join(dir, 'example.ts');
    await writeFile(file, await documentedExample());
    expect(typeErrors(file)).toEqual([]);

    const feature = { slug: '003-lib', wps: [{ id: 'WP01' }, { id: 'WP02', dependencies: ['WP01'] }] };
    const config = { version: '1.0', agents: { 'claude-code': {}, codex: {} } };
    const repo = await makeRepo(feature, config, { '*': ['auto'] });
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file, repo.dir, '003'], {
      cwd: ROOT,
      env: repo.env,
    });
    expect(stdout).toContain('waves: WP01 | WP02');
    expect(stdout).toContain('critical path: WP01 -> WP02');
    expect(stdout).toMatch(/^completed: 2\/2 WPs done, \$/m);
    const agents = new Set((await readInvocations(repo.fakes!.binDir)).map((i) => i.agent));
    expect(agents).toEqual(new Set(['claude', 'codex']));
  });
});
