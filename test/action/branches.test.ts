import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBranchSync } from '../../src/action/branches.js';
import { memoryLogger } from '../stand-ins/memory-logger.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-branches-'));
  dirs.push(dir);
  return dir;
}

/** A bare "origin" and a clone of it with one commit on main. */
async function cloneWithOrigin(): Promise<{ origin: string; clone: string }> {
  const origin = await tempDir();
  git(origin, 'init', '-q', '--bare', '-b', 'main');
  const clone = await tempDir();
  git(clone, 'clone', '-q', origin, '.');
  git(clone, 'config', 'user.name', 'T');
  git(clone, 'config', 'user.email', 't@example.invalid');
  await writeFile(path.join(clone, 'README.md'), 'hi\n');
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', 'init');
  git(clone, 'push', '-q', 'origin', 'main');
  return { origin, clone };
}

describe('createBranchSync with real git', () => {
  it('pushes WP branches and base refs that moved, then fetches them into a fresh clone', async () => {
    const { origin, clone } = await cloneWithOrigin();
    git(clone, 'update-ref', 'refs/kitty-orchestrator/base/001-demo-WP01', 'HEAD');
    git(clone, 'checkout', '-q', '-b', '001-demo-WP01');
    git(clone, 'commit', '-q', '--allow-empty', '-m', 'WP01 work');
    git(clone, 'checkout', '-q', 'main');
    // WP02's worktree was prepared ahead, but the WP never started: its branch is still at its base.
    git(clone, 'branch', '001-demo-WP02');
    git(clone, 'update-ref', 'refs/kitty-orchestrator/base/001-demo-WP02', 'HEAD');
    git(clone, 'branch', 'unrelated');
    const logger = memoryLogger();
    const sync = createBranchSync({ repoDir: clone, slug: '001-demo', logger });
    await sync.push();
    expect(git(origin, 'for-each-ref', '--format=%(refname)')).toBe(
      ['refs/heads/001-demo-WP01', 'refs/heads/main', 'refs/kitty-orchestrator/base/001-demo-WP01'].join(
        '\n',
      ),
    );
    expect(logger.infos).toContain('Pushed 001-demo-WP01 to origin.');

    // Unchanged refs are not pushed again.
    await sync.push();
    expect(logger.infos.filter((m) => m.startsWith('Pushed'))).toHaveLength(1);

    const fresh = await tempDir();
    git(fresh, 'clone', '-q', origin, '.');
    const freshLogger = memoryLogger();
    await createBranchSync({ repoDir: fresh, slug: '001-demo', logger: freshLogger }).fetch();
    expect(git(fresh, 'rev-parse', '001-demo-WP01')).toBe(git(clone, 'rev-parse', '001-demo-WP01'));
    expect(git(fresh, 'rev-parse', 'refs/kitty-orchestrator/base/001-demo-WP01')).toBe(
      git(clone, 'rev-parse', 'HEAD'),
    );
    expect(freshLogger.warnings).toEqual([]);
  });

  it('fetching when the remote has no WP branches is quiet', async () => {
    const { clone } = await cloneWithOrigin();
    const logger = memoryLogger();
    await createBranchSync({ repoDir: clone, slug: '001-demo', logger }).fetch();
    expect(logger.warnings).toEqual([]);
  });

  it('warns, never throws, when the push is refused', async () => {
    const { clone } = await cloneWithOrigin();
    git(clone, 'remote', 'set-url', 'origin', path.join(os.tmpdir(), 'no-such-remote-kitty'));
    git(clone, 'branch', '001-demo-WP02');
    const logger = memoryLogger();
    await createBranchSync({ repoDir: clone, slug: '001-demo', logger }).push();
    expect(logger.warnings.join('\n')).toMatch(/Could not push WP branches to origin: .*contents: write/);
  });
});
