// The fakes and the invokers were written side by side from the same notes on the real CLIs: this checks that
// each invoker, driving its fake through the real process runner, reads what the fake prints the way it would
// read the real CLI (work done, verdicts, rate limits, auth failures).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKERS } from '../../src/agents/registry.js';
import type { AgentInvoker, AgentResult, InvocationRequest } from '../../src/agents/types.js';
import { agentSchema, type Role } from '../../src/config/schema.js';
import { createProcessRunner } from '../../src/executor/run-process.js';
import { installFakeAgents, type FakeAgents, type FakeBehaviour } from './index.js';

const BEHAVIOURS: FakeBehaviour[] = ['success', 'review_reject', 'rate_limit', 'auth'];

let root: string;
let kit: FakeAgents;
let runs = 0;

/** Run the invoker's invocation against its fake in a fresh repo and parse the outcome with the invoker. */
async function invoke(invoker: AgentInvoker, role: Role): Promise<{ result: AgentResult; commits: number }> {
  const dir = path.join(root, `run-${++runs}`);
  const cwd = path.join(dir, 'repo');
  const scratchDir = path.join(dir, 'scratch');
  await mkdir(scratchDir, { recursive: true });
  execFileSync('git', ['init', '-q', cwd]);
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init'],
    { cwd },
  );
  const request: InvocationRequest = {
    role,
    prompt: `Please ${role === 'review' ? 'review' : 'implement'} WP01.`,
    cwd,
    agent: agentSchema.parse({}),
    scratchDir,
  };
  const invocation = invoker.buildInvocation(request);
  for (const [file, content] of Object.entries(invocation.files)) await writeFile(file, content);
  const outcome = await createProcessRunner({ baseEnv: kit.env() })({
    argv: invocation.argv,
    cwd,
    env: invocation.env,
    stdin: invocation.stdin,
    wallTimeoutMs: 20_000,
    inactivityTimeoutMs: 20_000,
  });
  const commits = Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd, encoding: 'utf8' })) - 1;
  return { result: invoker.parseOutcome(outcome, request), commits };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-fake-invokers-'));
  kit = await installFakeAgents(path.join(root, 'bin'), { '*': BEHAVIOURS });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cliInvokers = [...INVOKERS.values()].filter((invoker) => invoker.id !== 'sim');

describe.concurrent.each(cliInvokers.map((invoker) => [invoker.id, invoker] as const))(
  '%s invoker against its fake',
  (_id, invoker) => {
    it('reads work, a verdict, a rate limit and an auth failure the real way', async () => {
      // One fake per invoker, so the scenario's list plays out in this order for it.
      const work = await invoke(invoker, 'implementation');
      expect(work.result, JSON.stringify(work.result)).toMatchObject({ success: true });
      expect(work.commits).toBe(1);
      const review = await invoke(invoker, 'review');
      expect(review.result.verdict, JSON.stringify(review.result)).toMatchObject({
        verdict: 'changes_requested',
        findings: [{ message: 'Fake finding: describe the change.' }],
      });
      const limited = await invoke(invoker, 'implementation');
      expect(limited.result, JSON.stringify(limited.result)).toMatchObject({
        success: false,
        errorClass: 'rate_limit',
      });
      const denied = await invoke(invoker, 'implementation');
      expect(denied.result, JSON.stringify(denied.result)).toMatchObject({
        success: false,
        errorClass: 'auth',
      });
    });
  },
);
