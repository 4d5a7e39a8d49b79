import { describe, expect, it } from 'vitest';
import { readInvocations } from '../fake-agents/index.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { independentWps, makeRepo, silentLogger, simConfig } from './harness.js';
import { isProcessAlive } from '../../src/executor/process-tree.js';

const chain = {
  slug: '002-chain',
  wps: [
    { id: 'WP01', title: 'Base', subtasks: ['T001'] },
    { id: 'WP02', title: 'On top', dependencies: ['WP01'], subtasks: ['T002'] },
  ],
};

describe('orchestration with the sim agent', () => {
  it('starts independent WPs in parallel, within the global limit', async () => {
    const repo = await makeRepo(
      independentWps(4),
      simConfig({ duration_ms: 300 }, { global: { concurrency: 2 } }),
    );
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    expect(run.parallelPeak).toBe(2);
    expect(Object.values(run.workPackages).every((wp) => wp.lane === 'done')).toBe(true);
  });

  it('starts a dependent only after its dependency is done, on top of its branch', async () => {
    const repo = await makeRepo(chain, simConfig());
    const { run } = await repo.run();
    const [wp1, wp2] = [run.workPackages.WP01!, run.workPackages.WP02!];
    expect(wp2.attempts[0]!.startedAt >= wp1.completedAt!).toBe(true);
    expect(run.status).toBe('completed');
  });

  it('sends a rejected review back to the implementer, then completes', async () => {
    const repo = await makeRepo(independentWps(1), simConfig({ review: 'reject_once' }));
    const { run } = await repo.run();
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('done');
    expect(wp.reviewRounds).toBe(2);
    expect(wp.attempts.filter((a) => a.role === 'implementation')).toHaveLength(2);
  });

  it('fails a WP whose reviews keep asking for changes after max_rounds', async () => {
    const config = simConfig({ review: 'reject_once' }, { review: { max_rounds: 1 } });
    const repo = await makeRepo(independentWps(1), config);
    const { run } = await repo.run();
    expect(run.workPackages.WP01!.lane).toBe('failed');
    expect(run.workPackages.WP01!.lastError).toMatch(/changes still requested after 1 review round/);
    expect(run.status).toBe('paused');
  });

  it('retries a crashed attempt and succeeds', async () => {
    const repo = await makeRepo(independentWps(1), simConfig({ fail_first: 1, failure: 'crash' }));
    const { run } = await repo.run();
    const impl = run.workPackages.WP01!.attempts.filter((a) => a.role === 'implementation');
    expect(impl.map((a) => a.success)).toEqual([false, true]);
    expect(run.retries).toBeGreaterThanOrEqual(1);
    expect(run.status).toBe('completed');
  });

  it('single-agent mode: a WP goes on to its review before the next WP takes the agent', async () => {
    const config = simConfig({}, { agents: { sim: { max_concurrent: 1, options: { duration_ms: 50 } } } });
    const repo = await makeRepo(independentWps(2), config);
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const attempts = Object.values(run.workPackages)
      .flatMap((wp) => wp.attempts.map((a) => ({ at: a.startedAt, step: `${wp.wpId} ${a.role}` })))
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((a) => a.step);
    expect(attempts).toEqual(['WP01 implementation', 'WP01 review', 'WP02 implementation', 'WP02 review']);
  });

  it('fails a WP whose worktree cannot be made, and finishes the others', async () => {
    const repo = await makeRepo(independentWps(2), simConfig());
    await mkdir(path.join(repo.dir, '.worktrees', `${repo.slug}-WP01`), { recursive: true });
    const { run } = await repo.run();
    expect(run.status).toBe('paused');
    expect(run.workPackages.WP01!.lane).toBe('failed');
    expect(run.workPackages.WP01!.lastError).toMatch(/exists but is not a git worktree/);
    expect(run.workPackages.WP02!.lane).toBe('done');
  });

  it('skips a configured agent whose CLI is not installed, with a warning', async () => {
    const config = {
      version: '1.0',
      agents: { 'claude-code': { priority: 99 }, sim: { options: { duration_ms: 50 } } },
      single_agent_mode: { delay_seconds: 0 },
    };
    const repo = await makeRepo(independentWps(1), config);
    silentLogger.warnings.length = 0;
    const env = { ...repo.env, PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` };
    const { run } = await repo.run({ env });
    expect(run.status).toBe('completed');
    expect(run.workPackages.WP01!.implementationAgent).toBe('sim');
    expect(silentLogger.warnings.join('\n')).toMatch(/claude-code is configured but its CLI was not found/);
  });

  it('treats exit 0 without a commit as a failure, never as done', async () => {
    const repo = await makeRepo(independentWps(1), simConfig({ failure: 'no_commit', fail_first: 5 }));
    const { run } = await repo.run();
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('failed');
    expect(wp.attempts.every((a) => a.success === false)).toBe(true);
    expect(wp.attempts[0]!.summary).toMatch(/without changing anything/);
  });
});

const twoAgents = (extra: Record<string, unknown> = {}) => ({
  version: '1.0',
  agents: {
    'claude-code': { priority: 90, max_concurrent: 2, inactivity_timeout_seconds: 2, timeout_seconds: 20 },
    codex: { priority: 80, max_concurrent: 2, inactivity_timeout_seconds: 2, timeout_seconds: 20 },
  },
  fallback: { strategy: 'next_in_list', max_retries: 0, backoff_seconds: 0 },
  single_agent_mode: { enabled: false, agent: null, delay_seconds: 0 },
  ...extra,
});

describe('orchestration with fake agent CLIs', () => {
  it('falls back to the next agent on a 429 and cools the limited agent down', async () => {
    const repo = await makeRepo(independentWps(1), twoAgents(), { claude: ['rate_limit'], codex: ['auto'] });
    const { run } = await repo.run();
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('done');
    expect(wp.implementationAgent).toBe('codex');
    expect(run.fallbacks).toBeGreaterThanOrEqual(1);
    expect(run.agentCooldowns['claude-code']).toBeDefined();
  });

  it('falls back at once on an auth failure and never asks that agent again', async () => {
    const config = twoAgents({ global: { concurrency: 1 } });
    const repo = await makeRepo(independentWps(2), config, { claude: ['auth', 'auto'], codex: ['auto'] });
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const calls = await readInvocations(repo.fakes!.scenarioFile);
    expect(calls.filter((c) => c.agent === 'claude')).toHaveLength(1);
  });

  it('reviews with a different agent than the implementer', async () => {
    const repo = await makeRepo(independentWps(1), twoAgents(), {});
    const { run } = await repo.run();
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('done');
    expect(wp.reviewAgent).not.toBe(wp.implementationAgent);
  });

  it('kills a hung agent and one that ignores SIGTERM, leaving no process behind', async () => {
    // One WP at a time: WP01's implementation hangs, its review (by claude) ignores SIGTERM; codex covers both.
    const repo = await makeRepo(independentWps(2), twoAgents({ global: { concurrency: 1 } }), {
      claude: ['partial_then_hang', 'ignore_sigterm', 'auto'],
      codex: ['auto'],
    });
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const errors = Object.values(run.workPackages).flatMap((wp) => wp.attempts.map((a) => a.errorClass));
    expect(errors.filter((e) => e === 'stalled' || e === 'timeout').length).toBe(2);
    const calls = await readInvocations(repo.fakes!.scenarioFile);
    const pids = calls
      .flatMap((c) => [c.pid, c.grandchildPid])
      .filter((p): p is number => typeof p === 'number');
    expect(calls.some((c) => c.grandchildPid)).toBe(true);
    // Gone, or a zombie: under the supervisor an agent's orphans go to PID 1, which may never reap them here.
    for (const pid of pids) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
  });

  it('escalates when every agent fails a WP: dependents blocked, independent WPs finish, run paused', async () => {
    const feature = {
      slug: '003-escalate',
      wps: [
        { id: 'WP01', subtasks: ['T001'] },
        { id: 'WP02', dependencies: ['WP01'], subtasks: ['T002'] },
        { id: 'WP03', subtasks: ['T003'] },
      ],
    };
    // WP01 runs first (longest path): both agents fail auth on it... but WP03 must still finish, so only the
    // first invocation of each agent fails.
    const repo = await makeRepo(feature, twoAgents({ global: { concurrency: 1 } }), {
      claude: ['crash', 'crash', 'auto'],
      codex: ['crash', 'auto'],
    });
    const { run } = await repo.run();
    expect(run.workPackages.WP01!.lane).toBe('failed');
    expect(run.workPackages.WP02!.lane).toBe('blocked');
    expect(run.workPackages.WP03!.lane).toBe('done');
    expect(run.status).toBe('paused');
    expect(run.message).toMatch(/WP01/);
    expect(run.message).toMatch(/resume --feature 003-escalate/);

    const wp3Attempts = run.workPackages.WP03!.attempts.length;
    const resumed = await repo.run({ resume: true });
    expect(resumed.run.status).toBe('completed');
    // WP03 was done: nothing of it runs again.
    expect(resumed.run.workPackages.WP03!.attempts).toHaveLength(wp3Attempts);
    expect(resumed.run.workPackages.WP02!.lane).toBe('done');
  });
});

describe('agents as they really fail', () => {
  it('an offline codex is classed network within its limit, cools down, and the run falls back', async () => {
    const config = twoAgents();
    // Inactivity 20 s: only the network limit (1 s) can stop codex, as reconnect notices are no activity.
    // Implementation only, so the review need not wait for codex's cool-down.
    config.agents.codex = {
      ...config.agents.codex,
      priority: 95,
      network_wait_seconds: 1,
      inactivity_timeout_seconds: 20,
      roles: ['implementation'],
    } as never;
    const repo = await makeRepo(independentWps(1), config, { codex: ['offline'], claude: ['auto'] });
    const { run } = await repo.run({ env: { ...repo.env, FAKE_AGENT_RECONNECT_MS: '100' } });
    const wp = run.workPackages.WP01!;
    expect(wp.lane).toBe('done');
    expect(wp.attempts[0]).toMatchObject({ agent: 'codex', errorClass: 'network', success: false });
    expect(wp.attempts[0]!.summary).toMatch(
      /only waiting for the network: Reconnecting\.\.\. waiting for network/,
    );
    expect(wp.implementationAgent).toBe('claude-code');
    expect(run.agentCooldowns['codex']).toBeDefined();
  });

  it('an agent whose CLI rejects a flag is switched off after one attempt, naming CLI, version and text', async () => {
    const config = twoAgents({ global: { concurrency: 1 } });
    config.agents['claude-code'] = {
      ...config.agents['claude-code'],
      extra_args: ['--no-such-flag'],
    } as never;
    silentLogger.warnings.length = 0;
    const repo = await makeRepo(independentWps(2), config, { claude: ['auto'], codex: ['auto'] });
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const claudeAttempts = Object.values(run.workPackages).flatMap((wp) =>
      wp.attempts.filter((a) => a.agent === 'claude-code'),
    );
    expect(claudeAttempts).toHaveLength(1);
    expect(claudeAttempts[0]).toMatchObject({ errorClass: 'usage' });
    expect(silentLogger.warnings.join('\n')).toMatch(
      /claude-code \(claude 2\.1\.331\) rejected its arguments: exited with code 1: error: unknown option '--no-such-flag'.*switched off for this run/,
    );
  });
});
