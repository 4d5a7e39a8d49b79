import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_AGENT_NAMES, installFakeAgents, pathWith, readInvocations, setScenario } from './index.js';
import type { FakeAgents, FakeScenario } from './index.js';

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let root: string;
let repo: string;
let kit: FakeAgents;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** Run a fake to completion, `stdin` written then closed (null: no stdin at all, like /dev/null). */
function run(argv: string[], stdin: string | null = null, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, {
      cwd: repo,
      env: { ...kit.env(), IS_SANDBOX: '1', ...env },
      stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin?.end(stdin);
  });
}

/** Start a fake in its own process group; resolves once it printed `until` on stdout. */
function startUntil(argv: string[], until: RegExp): Promise<{ pid: number; stdout: () => string }> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, {
    cwd: repo,
    env: kit.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`fake exited early (${code}): ${stdout}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until.test(stdout)) resolve({ pid: child.pid!, stdout: () => stdout });
    });
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitGone(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function useScenario(scenario: FakeScenario): Promise<void> {
  await setScenario(kit.scenarioFile, scenario);
}

const CLAUDE = ['claude', '-p', '--output-format', 'json', '--dangerously-skip-permissions'];
const CODEX = [
  'codex',
  'exec',
  '--json',
  '--dangerously-bypass-approvals-and-sandbox',
  '--skip-git-repo-check',
];
const GEMINI = ['gemini', '--output-format', 'json', '--approval-mode', 'yolo', '--skip-trust'];
const fencedVerdict = (text: string): unknown => JSON.parse(/```json\n([\s\S]*?)\n```/.exec(text)![1]!);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-fake-kit-'));
  repo = path.join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
  kit = await installFakeAgents(path.join(root, 'bin'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fake agent kit', () => {
  it('installs every agent, each answering --version like its CLI', async () => {
    const versions = await Promise.all(FAKE_AGENT_NAMES.map((name) => run([name, '--version'])));
    expect(versions.every((ran) => ran.code === 0 && /\d+\.\d+/.test(ran.stdout))).toBe(true);
    expect(versions[0]!.stdout).toContain('Claude Code');
  });

  it('success: claude reads stdin, commits in cwd and prints its JSON result', async () => {
    await useScenario({ claude: ['success'] });
    const before = git(repo, 'rev-parse', 'HEAD');
    const ran = await run(CLAUDE, 'Implement WP01 T001');
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ type: 'result', is_error: false, usage: { input_tokens: 5 } });
    expect(result.total_cost_usd).toBeGreaterThan(0);
    expect(git(repo, 'rev-list', '--count', `${before}..HEAD`)).toBe('1');
    const [logged] = await readInvocations(kit.binDir);
    expect(logged).toMatchObject({
      agent: 'claude',
      behaviour: 'success',
      prompt: 'Implement WP01 T001',
      cwd: repo,
    });
  });

  it('success: codex prints JSONL with token usage and writes --output-last-message', async () => {
    await useScenario({ codex: ['success'] });
    const last = path.join(root, 'last.txt');
    const ran = await run([...CODEX, '--output-last-message', last, '-'], 'do it');
    const events = ran.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.map((event) => event.type)).toContain('turn.completed');
    expect(await readFile(last, 'utf8')).toMatch(/committed it/);
  });

  it('review_approve / review_reject: a fenced json verdict in the result text', async () => {
    await useScenario({ gemini: ['review_approve'], codex: ['review_reject'] });
    const approve = await run(GEMINI, 'review WP01');
    expect(fencedVerdict((JSON.parse(approve.stdout) as { response: string }).response)).toMatchObject({
      verdict: 'approved',
    });
    const last = path.join(root, 'verdict.txt');
    const reject = await run([...CODEX, '-o', last, 'review WP01'], null);
    expect(reject.code).toBe(0);
    expect(fencedVerdict(await readFile(last, 'utf8'))).toMatchObject({ verdict: 'changes_requested' });
  });

  it('a list is consumed one behaviour per invocation and its last entry repeats', async () => {
    await useScenario({ '*': ['rate_limit', 'success'] });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await run(['qwen', '--output-format', 'json', 'hi'], null));
    expect(runs.map((ran) => ran.code)).toEqual([1, 0, 0]);
    expect(runs[0]!.stdout).toMatch(/429 .*try again in 1s/);
    const logged = await readInvocations(kit.scenarioFile);
    expect(logged.map((entry) => entry.behaviour)).toEqual(['rate_limit', 'success', 'success']);
  });

  it('auth: each CLI fails its own way', async () => {
    await useScenario({ '*': ['auth'] });
    const copilot = await run(['copilot', '-p', 'hi', '--output-format', 'json', '--allow-all-tools'], null);
    expect(copilot).toMatchObject({ code: 1 });
    expect(copilot.stderr).toContain('No authentication information found');
    const gemini = await run(GEMINI, 'hi');
    expect(gemini.code).toBe(41);
  });

  it('garbage: non-JSON output and exit 0', async () => {
    await useScenario({ opencode: ['garbage'] });
    const ran = await run(['opencode', 'run', '--format', 'json', '--auto', 'hi'], null);
    expect(ran.code).toBe(0);
    expect(() => JSON.parse(ran.stdout) as unknown).toThrow();
  });

  it('crash / crash_signal: exit 1, or death by signal', async () => {
    await useScenario({ letta: ['crash'], 'cursor-agent': ['crash_signal'] });
    expect((await run(['letta', '-p', 'hi', '--output-format', 'json', '--yolo'], null)).code).toBe(1);
    const killed = await run(['cursor-agent', '-p', '--output-format', 'json', '--force', 'hi'], null);
    expect(killed.signal).toBe('SIGKILL');
  });

  it('partial_then_hang: prints a first event, then stays alive until killed', async () => {
    await useScenario({ kilo: ['partial_then_hang'] });
    const started = await startUntil(['kilo', 'run', '--format', 'json', '--auto', 'hi'], /step_start/);
    expect(alive(started.pid)).toBe(true);
    process.kill(-started.pid, 'SIGKILL');
    await waitGone(started.pid);
  });

  it('ignore_sigterm: survives SIGTERM; killing the group takes its grandchild too', async () => {
    await useScenario({ pi: ['ignore_sigterm'] });
    const started = await startUntil(['pi', '-p', '--mode', 'json', 'hi'], /"type":"session"/);
    const [logged] = await readInvocations(kit.binDir);
    const grandchild = logged!.grandchildPid!;
    expect(alive(grandchild)).toBe(true);
    process.kill(-started.pid, 'SIGTERM');
    while (!started.stdout().includes('ignoring SIGTERM'))
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(started.pid)).toBe(true);
    process.kill(-started.pid, 'SIGKILL');
    await Promise.all([waitGone(started.pid), waitGone(grandchild)]);
  });

  it('rejects unknown flags the way each real CLI does', async () => {
    await useScenario({});
    const claude = await run([...CLAUDE, '--x']);
    expect(claude.stderr).toContain("error: unknown option '--x'");
    const codex = await run([...CODEX, '--x', '-']);
    expect(codex).toMatchObject({ code: 2 });
    expect(codex.stderr).toContain("unexpected argument '--x'");
    expect((await run([...GEMINI, '--x'])).stderr).toContain('Unknown arguments: x');
    expect((await run(['opencode', 'run', '--x', 'hi'])).stderr).toContain('run [message..]');
    expect((await readInvocations(kit.binDir)).every((entry) => entry.behaviour === 'refused')).toBe(true);
  });

  it('refuses what the real CLIs refuse: untrusted gemini folder, claude skip-permissions as root', async () => {
    expect((await run(['gemini', '--output-format', 'json'], 'hi')).code).toBe(55);
    if (process.getuid?.() === 0) {
      const claude = await run(CLAUDE, 'hi', { IS_SANDBOX: '' });
      expect(claude.stderr).toContain('cannot be used with root');
    }
  });

  it('pathWith puts the dir first on PATH without touching the given env', () => {
    const env = { PATH: '/usr/bin', HOME: '/h' };
    expect(pathWith('/fake', env)).toEqual({ PATH: `/fake${path.delimiter}/usr/bin`, HOME: '/h' });
    expect(env.PATH).toBe('/usr/bin');
  });
});
