import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { makeRepo, simConfig } from '../engine/harness.js';
import { captureIO } from '../helpers/cli-io.js';

const pair = {
  slug: '005-cli',
  wps: [
    { id: 'WP01', subtasks: ['T001'] },
    { id: 'WP02', dependencies: ['WP01'], subtasks: ['T002'] },
  ],
};

describe('orchestrate, status, resume and abort commands', () => {
  it('runs a feature to done (exit 0), then status reports it as JSON and in words', async () => {
    const repo = await makeRepo(pair, simConfig());
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '--feature', '005', '--json'], io)).toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.some((l) => l.type === 'run_finished')).toBe(true);

    const status = captureIO(repo.dir, repo.env);
    expect(await runCli(['status', '--feature', '005-cli', '--json'], status)).toBe(0);
    const view = JSON.parse(status.out()) as { status: string; done: number; total: number };
    expect(view).toMatchObject({ status: 'completed', done: 2, total: 2 });

    const words = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005', '--status'], words)).toBe(0);
    expect(words.out()).toMatch(/WP02\s+done/);
  });

  it('exits 3 with the escalation when a WP fails every agent, and resume retries it', async () => {
    const repo = await makeRepo(pair, simConfig({ fail_first: 2, failure: 'crash' }));
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005-cli'], io)).toBe(3);
    expect(io.out()).toMatch(/resume --feature 005-cli/);
    const again = captureIO(repo.dir, repo.env);
    // The sim fails the first two attempts of each role: more retries get both roles through.
    expect(await runCli(['resume', '-f', '005-cli', '--max-retries', '3'], again)).toBe(0);
  });

  it('--max-tokens pauses the run at the limit, status shows spend against it, resume with more finishes', async () => {
    const repo = await makeRepo(pair, simConfig());
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005', '--max-tokens', '1'], io)).toBe(3);
    expect(io.out()).toMatch(/Budget reached: The run spent .* tokens of budget\.max_tokens 1 tokens/);
    const status = captureIO(repo.dir, repo.env);
    expect(await runCli(['status', '-f', '005'], status)).toBe(0);
    expect(status.out()).toMatch(/spent \S+ of 1 tokens \(budget reached\)/);
    const again = captureIO(repo.dir, repo.env);
    expect(await runCli(['resume', '-f', '005', '--max-tokens', '100000000'], again)).toBe(0);
  });

  it('abort marks a paused run aborted, and resume continues it as the messages say', async () => {
    const repo = await makeRepo(pair, simConfig({ fail_first: 2, failure: 'crash' }));
    await runCli(['orchestrate', '-f', '005'], captureIO(repo.dir, repo.env));
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['abort', '-f', '005'], io)).toBe(0);
    expect(io.out()).toMatch(/aborted/);
    const status = captureIO(repo.dir, repo.env);
    expect(await runCli(['status', '-f', '005'], status)).toBe(0);
    expect(status.out()).toMatch(/resume --feature 005/);
    const resume = captureIO(repo.dir, repo.env);
    expect(await runCli(['resume', '-f', '005', '--max-retries', '3'], resume)).toBe(0);
    const again = captureIO(repo.dir, repo.env);
    expect(await runCli(['resume', '-f', '005'], again)).toBe(1);
    expect(again.err()).toMatch(/no unfinished run of 005-cli to resume \(its last run is completed\)/);
  });

  it('rejects a dependency cycle with exit 2 and names it', async () => {
    const cyclic = {
      slug: '006-cycle',
      wps: [
        { id: 'WP01', dependencies: ['WP02'] },
        { id: 'WP02', dependencies: ['WP01'] },
      ],
    };
    const repo = await makeRepo(cyclic, simConfig());
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '006'], io)).toBe(2);
    expect(io.err()).toMatch(/WP01 -> WP02 -> WP01|WP02 -> WP01 -> WP02/);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it('fails clearly when no agent is enabled', async () => {
    const repo = await makeRepo(pair, { version: '1.0', agents: { sim: { enabled: false } } });
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005'], io)).not.toBe(0);
    expect(io.err()).toMatch(/no agents available/);
  });

  it('rejects bad flags and unknown agents with exit 2', async () => {
    const repo = await makeRepo(pair, simConfig());
    const bad = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005', '--concurrency', 'lots'], bad)).toBe(2);
    expect(bad.err()).toMatch(/--concurrency/);
    const unknown = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005', '--agents', 'nosuch'], unknown)).toBe(2);
    expect(unknown.err()).toMatch(/nosuch/);
  });

  it('--dry-run shows waves and agents and runs nothing', async () => {
    const repo = await makeRepo(pair, simConfig());
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '-f', '005', '--dry-run', '--json'], io)).toBe(0);
    const plan = JSON.parse(io.out()) as { waves: string[][]; agents: { implementation: string[] } };
    expect(plan.waves).toEqual([['WP01'], ['WP02']]);
    expect(plan.agents.implementation).toEqual(['sim']);
    const status = captureIO(repo.dir, repo.env);
    await runCli(['status', '-f', '005', '--json'], status);
    expect(status.out().trim()).toBe('null');
  });
});
