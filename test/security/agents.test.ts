import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { installFakeAgents, readInvocations } from '../fake-agents/index.js';
import { captureIO } from '../helpers/cli-io.js';
import { BARE_PATH, securityRepo, tempDir } from './repo.js';

const feature = { slug: '001-agents', wps: [{ id: 'WP01', subtasks: ['T001'] }] };

async function dryRun(repo: string, env: NodeJS.ProcessEnv, extra: string[] = []) {
  const io = captureIO(repo, env);
  const code = await runCli(['orchestrate', '--feature', feature.slug, '--dry-run', '--json', ...extra], io);
  const out = code === 0 ? (JSON.parse(io.out()) as { agents: Record<string, string[]> }) : null;
  return { code, out, err: io.err() };
}

describe('sim only when named; one real CLI and no config give single-agent mode', () => {
  it('never picks the sim agent up by itself: no CLI installed means no agents, not simulated work', async () => {
    const repo = await securityRepo(feature);
    const { code, err } = await dryRun(repo, { PATH: BARE_PATH });
    expect(code).not.toBe(0);
    expect(err).toMatch(/no agents available/);
    const io = captureIO(repo, { PATH: BARE_PATH });
    expect(await runCli(['orchestrate', '--feature', feature.slug], io)).not.toBe(0);
    expect(io.err()).toMatch(/no agents available/);
  });

  it('with only claude on PATH plans claude alone in single-agent mode; doctor calls sim built-in, not installed', async () => {
    const repo = await securityRepo(feature);
    const fakes = await installFakeAgents(await tempDir('kitty-fakes-'), {}, { agents: ['claude'] });
    const env = fakes.env({ PATH: BARE_PATH, HOME: process.env.HOME });
    const plan = await dryRun(repo, env);
    expect(plan.out?.agents).toEqual({ implementation: ['claude-code'], review: ['claude-code'] });
    const text = captureIO(repo, env);
    await runCli(['orchestrate', '--feature', feature.slug, '--dry-run'], text);
    expect(text.out()).toMatch(/Single-agent mode/);
    // Named, sim is available (demos, tests): `--agents sim`.
    expect((await dryRun(repo, env, ['--agents', 'sim'])).out?.agents.implementation).toEqual(['sim']);

    const doctor = captureIO(repo, env);
    await runCli(['doctor', '--json'], doctor);
    const sim = (JSON.parse(doctor.out()) as { agents: { id: string; installed: boolean }[] }).agents.find(
      (a) => a.id === 'sim',
    );
    expect(sim).toMatchObject({ installed: false, built_in: true });
    expect(await readInvocations(fakes.binDir)).toEqual([]);
  });

  it('honours agents.<id>.command in orchestrate --dry-run, as doctor does', async () => {
    const repo = await securityRepo(feature);
    // The CLI lives outside PATH, under a name detection would never guess.
    const fakes = await installFakeAgents(await tempDir('kitty-fakes-'), {}, { agents: ['claude'] });
    const command = path.join(fakes.binDir, 'claude');
    await mkdir(path.join(repo, '.kittify'), { recursive: true });
    await writeFile(
      path.join(repo, '.kittify', 'agents.yaml'),
      `agents:\n  claude-code:\n    command: ${JSON.stringify(command)}\n`,
    );
    const env = { PATH: BARE_PATH, HOME: process.env.HOME };
    const plan = await dryRun(repo, env);
    expect(plan.err).not.toMatch(/not found/);
    expect(plan.out?.agents.implementation).toEqual(['claude-code']);
  });
});
