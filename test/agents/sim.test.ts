// The sim invoker end to end: the real bin/kitty-sim-agent.mjs as a child process in a real git repo.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSimScript, packageVersion, simInvoker } from '../../src/agents/sim.js';
import type { AgentResult, InvocationRequest } from '../../src/agents/types.js';
import type { Role } from '../../src/config/schema.js';
import type { ProcessOutcome } from '../../src/executor/types.js';
import { agentConfig } from './helpers.js';

let root: string;
let repo: string;
let attempt = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-sim-'));
  repo = path.join(root, 'repo');
  await mkdir(repo);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'README.md'), '# demo\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'init');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function runChild(argv: string[], cwd: string): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0] ?? '', argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (exitCode, signal) =>
      resolve({ exitCode, signal, stdout, stderr, stoppedBy: null, durationMs: Date.now() - started }),
    );
  });
}

/** Build, write files, spawn and parse, as the engine does. */
async function runSim(role: Role, wp: string, options: Record<string, unknown>): Promise<AgentResult> {
  const scratchDir = path.join(root, `scratch-${++attempt}`);
  await mkdir(scratchDir);
  const agent = agentConfig({ options: { duration_ms: 0, ...options } });
  const request: InvocationRequest = { role, prompt: `Work on ${wp}.`, cwd: repo, agent, scratchDir };
  const invocation = simInvoker.buildInvocation(request);
  for (const [file, content] of Object.entries(invocation.files)) await writeFile(file, content);
  return simInvoker.parseOutcome(await runChild(invocation.argv, repo), request);
}

describe('sim invoker with the real sim agent', () => {
  it('finds its script and the package version', () => {
    expect(findSimScript()).toMatch(/bin\/kitty-sim-agent\.mjs$/);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an implementation succeeds with a commit and token counts', async () => {
    const result = await runSim('implementation', 'WP01', {});
    expect(result.success).toBe(true);
    expect(result.commits?.length).toBeGreaterThan(0);
    expect(result.costUsd).toBe(0);
    expect(result.tokens?.output).toBeGreaterThan(0);
  });

  it('a review succeeds with a validated verdict', async () => {
    const result = await runSim('review', 'WP01', {});
    expect(result).toMatchObject({ success: true, verdict: { verdict: 'approved', findings: [] } });
  });

  it.each([
    ['rate_limit', 'rate_limit'],
    ['auth', 'auth'],
    ['crash', 'crash'],
    ['garbage', 'invalid_output'],
  ])('an injected %s failure is classified %s', async (failure, errorClass) => {
    const result = await runSim('implementation', `WP1${String(attempt)}`, { failure, fail_first: 1 });
    expect(result).toMatchObject({ success: false, errorClass });
    if (failure === 'rate_limit') expect(result.rateLimitResetAt).toBeDefined();
  });
});
