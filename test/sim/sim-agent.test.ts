import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SIM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/kitty-sim-agent.mjs');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface SimResult {
  type: string;
  success: boolean;
  summary: string;
  commits: string[];
  cost_usd: number;
  tokens: { input: number; output: number };
  verdict?: { verdict: string; findings: { location?: string; message: string }[] };
}

let root: string;
let repo: string;
let worktreeCount = 0;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** A fresh worktree of the test repo, like the one the engine gives each WP. */
function worktree(): string {
  const dir = path.join(root, `wt-${++worktreeCount}`);
  git(repo, 'worktree', 'add', '-q', '-b', `wp-${worktreeCount}`, dir);
  return dir;
}

async function sim(
  cwd: string,
  role: 'implementation' | 'review',
  prompt: string,
  options: Record<string, unknown> = {},
): Promise<Ran> {
  const promptFile = path.join(root, `prompt-${Date.now()}-${Math.random()}.md`);
  await writeFile(promptFile, prompt);
  const args = [SIM, '--role', role, '--prompt-file', promptFile, '--options', JSON.stringify(options)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (ran: Ran): string => ran.stdout.trimEnd().split('\n').at(-1) ?? '';
const resultOf = (ran: Ran): SimResult => JSON.parse(lastLine(ran)) as SimResult;
const fast = { duration_ms: 0 };
const WP01 = 'Implement WP01: checkout.\n\n- [ ] T001 cart model\n- [ ] T002 totals (after T001)\n';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-sim-'));
  repo = path.join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('kitty-sim-agent, implementation', () => {
  it('writes one file per subtask, commits them and ends with the result line', async () => {
    const cwd = worktree();
    const ran = await sim(cwd, 'implementation', WP01, fast);
    expect(ran.code).toBe(0);
    expect(ran.stdout.split('\n').length).toBeGreaterThan(3);
    const result = resultOf(ran);
    expect(result).toMatchObject({ type: 'result', success: true, cost_usd: 0 });
    expect(result.commits).toEqual([git(cwd, 'rev-parse', 'HEAD')]);
    expect(result.tokens).toEqual({ input: Math.ceil(WP01.length / 4), output: 90 });
    expect(git(cwd, 'show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual([
      'sim-output/WP01/T001.md',
      'sim-output/WP01/T002.md',
    ]);
    expect(await readFile(path.join(cwd, 'sim-output/WP01/T002.md'), 'utf8')).toMatch(/T002.*attempt 1/);
    // The attempt counters live in the worktree's private git dir: nothing left to commit.
    expect(existsSync(path.join(git(cwd, 'rev-parse', '--absolute-git-dir'), 'kitty-sim-state.json'))).toBe(
      true,
    );
    expect(git(cwd, 'status', '--porcelain')).toBe('');
  });

  it('addresses review findings in a rework file', async () => {
    const cwd = worktree();
    await sim(cwd, 'implementation', WP01, fast);
    const prompt = `${WP01}\nFindings to address:\n- sim-output/WP01/T001.md: name the criteria\n`;
    const ran = await sim(cwd, 'implementation', prompt, fast);
    expect(resultOf(ran).success).toBe(true);
    expect(git(cwd, 'show', '--name-only', '--format=', 'HEAD')).toContain('sim-output/WP01/rework-1.md');
    expect(await readFile(path.join(cwd, 'sim-output/WP01/rework-1.md'), 'utf8')).toContain(
      'name the criteria',
    );
    expect(await readFile(path.join(cwd, 'sim-output/WP01/T001.md'), 'utf8')).toContain('attempt 2');
  });
});

describe('kitty-sim-agent, review', () => {
  it('approves with the verdict both in the result and as a fenced json block in the summary', async () => {
    const cwd = worktree();
    const result = resultOf(await sim(cwd, 'review', 'Review WP02.', fast));
    expect(result.verdict).toMatchObject({ verdict: 'approved', findings: [] });
    const fenced = /```json\n([\s\S]*?)\n```/.exec(result.summary)![1]!;
    expect(JSON.parse(fenced)).toEqual(result.verdict);
  });

  it('reject_once asks for changes the first time per WP only, across processes', async () => {
    const cwd = worktree();
    await sim(cwd, 'implementation', WP01, fast);
    const options = { ...fast, review: 'reject_once' };
    const first = resultOf(await sim(cwd, 'review', 'Review WP01.', options));
    expect(first.verdict).toMatchObject({ verdict: 'changes_requested' });
    expect(first.verdict!.findings[0]!.location).toBe('sim-output/WP01/T001.md');
    const second = resultOf(await sim(cwd, 'review', 'Review WP01.', options));
    expect(second.verdict).toMatchObject({ verdict: 'approved' });
  });
});

describe('kitty-sim-agent, injected failures', () => {
  it('fail_first fails the first attempts of the listed WPs only', async () => {
    const cwd = worktree();
    const options = { ...fast, fail_first: 1, fail_wps: ['WP03'] };
    expect((await sim(cwd, 'implementation', WP01, options)).code).toBe(0);
    const first = await sim(cwd, 'implementation', 'Implement WP03: T009', options);
    expect(first).toMatchObject({ code: 1 });
    expect(first.stderr).toContain('Error: simulated crash');
    expect(resultOf(await sim(cwd, 'implementation', 'Implement WP03: T009', options)).success).toBe(true);
  });

  it.each([
    ['rate_limit', 'Error: 429 Too Many Requests. Rate limit reached; try again in 2s'],
    ['auth', 'Error: 401 Unauthorized: invalid api key'],
  ])('%s prints the provider-style error and exits 1', async (failure, text) => {
    const ran = await sim(worktree(), 'review', 'Review WP04', { ...fast, fail_first: 1, failure });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(text);
  });

  it('no_commit claims success without committing; garbage prints no JSON', async () => {
    const cwd = worktree();
    const head = git(cwd, 'rev-parse', 'HEAD');
    const noCommit = await sim(cwd, 'implementation', WP01, { ...fast, fail_first: 1, failure: 'no_commit' });
    expect(noCommit.code).toBe(0);
    expect(resultOf(noCommit)).toMatchObject({ success: true, commits: [] });
    expect(git(cwd, 'rev-parse', 'HEAD')).toBe(head);
    const garbage = await sim(cwd, 'implementation', 'WP05', { ...fast, fail_first: 1, failure: 'garbage' });
    expect(garbage.code).toBe(0);
    expect(() => JSON.parse(lastLine(garbage)) as unknown).toThrow();
  });

  it('hang never finishes and exits cleanly on SIGTERM', async () => {
    const promptFile = path.join(root, 'hang.md');
    await writeFile(promptFile, 'WP06');
    const options = JSON.stringify({ ...fast, fail_first: 1, failure: 'hang' });
    const child = spawn(
      process.execPath,
      [SIM, '--role', 'review', '--prompt-file', promptFile, '--options', options],
      {
        cwd: worktree(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  });

  it('rejects unknown or invalid options with a usage error naming the key', async () => {
    const cwd = worktree();
    const typo = await sim(cwd, 'implementation', WP01, { fail_frist: 1 });
    expect(typo).toMatchObject({ code: 2 });
    expect(typo.stderr).toContain('agents.sim.options.fail_frist is not a sim option');
    const bad = await sim(cwd, 'implementation', WP01, { failure: 'explode', fail_first: 1 });
    expect(bad.stderr).toContain('agents.sim.options.failure must be one of');
    const useless = await sim(cwd, 'implementation', WP01, { failure: 'auth' });
    expect(useless.stderr).toContain('need fail_first');
  });
});
