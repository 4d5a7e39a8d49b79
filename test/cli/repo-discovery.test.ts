import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { makeRepo, simConfig } from '../engine/harness.js';
import { captureIO } from '../helpers/cli-io.js';
import { useTempDirs } from '../helpers/feature-fixtures.js';

const tempDir = useTempDirs();
const pair = {
  slug: '007-paths',
  wps: [
    { id: 'WP01', subtasks: ['T001'] },
    { id: 'WP02', dependencies: ['WP01'], subtasks: ['T002'] },
  ],
};

async function cli(cwd: string, env: NodeJS.ProcessEnv, ...argv: string[]) {
  const io = captureIO(cwd, env);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('finding the repository', () => {
  it('status from a subdirectory finds the run, and ends with a newline', async () => {
    const repo = await makeRepo(pair, simConfig());
    expect((await cli(repo.dir, repo.env, 'orchestrate', '-f', '007', '--json')).code).toBe(0);
    const sub = path.join(repo.dir, 'kitty-specs', '007-paths', 'tasks');
    const status = await cli(sub, repo.env, 'status', '-f', '007');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^007-paths {2}completed in /);
    expect(status.out.endsWith('\n')).toBe(true);
    const latest = await cli(sub, repo.env, 'status');
    expect(latest.out).not.toContain('No orchestration run recorded');
  });

  it('suggests commands with --repo when the repository is not the current directory', async () => {
    const repo = await makeRepo(pair, simConfig({ fail_first: 2, failure: 'crash' }));
    const elsewhere = await tempDir();
    const run = await cli(elsewhere, repo.env, 'orchestrate', '-f', '007', '--repo', repo.dir);
    expect(run.code).toBe(3);
    expect(run.out).toContain(`kitty-orchestrator resume --feature 007 --repo ${repo.dir}`);
    const status = await cli(elsewhere, repo.env, 'status', '-f', '007', '-r', repo.dir);
    expect(status.out).toContain(`kitty-orchestrator resume --feature 007 --repo ${repo.dir}`);
    // From inside the repository no --repo is needed, so none is suggested.
    const inside = await cli(repo.dir, repo.env, 'status', '-f', '007');
    expect(inside.out).toContain('`kitty-orchestrator resume --feature 007`');
  });

  it('rejects a directory that is not a git repository before running anything', async () => {
    const repo = await makeRepo(pair, simConfig());
    const plain = await tempDir();
    await mkdir(path.join(plain, 'kitty-specs'));
    const result = await cli(
      plain,
      repo.env,
      'orchestrate',
      '-f',
      path.join(repo.dir, 'kitty-specs', '007-paths'),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${plain} is not inside a git repository`);
    expect(result.out).toBe('');
  });

  it('names a --repo that does not exist, rather than a missing feature', async () => {
    const missing = path.join(os.tmpdir(), 'kitty-no-such-dir', 'repo');
    for (const command of ['orchestrate', 'status', 'plan']) {
      const result = await cli(os.tmpdir(), process.env, command, '-f', '001', '-r', missing);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`--repo ${missing}: no such directory`);
    }
  });
});
