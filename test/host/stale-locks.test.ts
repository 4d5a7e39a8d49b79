import { spawn, type ChildProcess } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStandaloneHost } from '../../src/host/standalone.js';
import { makeFeature, plainGit, useHostRepo } from './git-fixture.js';

const fixture = useHostRepo();
const linux = process.platform === 'linux';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** A process that keeps working in `cwd` (what a live git command holding a lock looks like to us). */
async function busyIn(cwd: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd, stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
}

describe.runIf(linux)('standalone host: stale git locks', () => {
  it('removes the index, HEAD and branch locks a killed agent left, with a log line, so the commit succeeds', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: () => undefined, debug: () => undefined };
    const host = createStandaloneHost({ repoDir: fixture.repo, logger });
    const ws = await host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    const gitDir = await plainGit(ws.path, 'rev-parse', '--absolute-git-dir');
    const locks = [
      join(gitDir, 'index.lock'),
      join(gitDir, 'HEAD.lock'),
      join(fixture.repo, '.git', 'refs', 'heads', `${ws.branch}.lock`),
    ];
    for (const lock of locks) await writeFile(lock, '');
    await writeFile(join(ws.path, 'work.txt'), 'the agent wrote this\n');

    expect(await host.commitLeftovers(ws, 'WP01: leftovers')).toMatch(/^[0-9a-f]{40}$/);
    for (const lock of locks) expect(await exists(lock)).toBe(false);
    expect(lines.filter((l) => l.includes('removed stale git lock'))).toHaveLength(3);
    expect(lines[0]).toMatch(/^WP01: removed stale git lock .*\.lock \(the process that took it is gone\)$/);
  });

  it('removes a stale shallow.lock of the repository when the next worktree is prepared', async () => {
    const host = fixture.host;
    const lock = join(fixture.repo, '.git', 'shallow.lock');
    await writeFile(lock, '');
    await host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    expect(await exists(lock)).toBe(false);
  });

  it('keeps a lock while a process still works in the worktree', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    const lock = join(await plainGit(ws.path, 'rev-parse', '--absolute-git-dir'), 'index.lock');
    await writeFile(lock, '');
    await busyIn(ws.path);
    expect(await fixture.host.clearStaleLocks(ws)).toEqual([]);
    expect(await exists(lock)).toBe(true);
  });
});
