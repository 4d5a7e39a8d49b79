import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import type { Feature } from '../../src/feature/types.js';
import { createStandaloneHost } from '../../src/host/standalone.js';
import { commitFile, makeFeature, plainGit, sh, useHostRepo } from './git-fixture.js';

const fixture = useHostRepo();

/** Make the WP's worktree and commit one file there, as its agent would. */
async function commitInWorktree(feature: Feature, wpId: string, file: string, content: string) {
  return commitFile((await fixture.host.prepareWorkspace(feature, wpId)).path, file, content, `${wpId} work`);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const worktreePaths = async () =>
  (await plainGit(fixture.repo, 'worktree', 'list', '--porcelain'))
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));

describe('standalone host: prepareWorkspace', () => {
  it('creates a worktree from the base branch and keeps .worktrees/ out of git status', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [] });
    const ws = await fixture.host.prepareWorkspace(feature, 'WP01');
    expect(ws).toEqual({
      wpId: 'WP01',
      path: join(fixture.repo, '.worktrees', '001-demo-WP01'),
      branch: '001-demo-WP01',
      baseCommit: await plainGit(fixture.repo, 'rev-parse', 'main'),
    });
    expect(await plainGit(ws.path, 'symbolic-ref', '--short', 'HEAD')).toBe('001-demo-WP01');
    expect(await plainGit(fixture.repo, 'status', '--porcelain')).toBe('');
    expect(await readFile(join(fixture.repo, '.git', 'info', 'exclude'), 'utf8')).toContain('/.worktrees/\n');
    expect(await exists(join(fixture.repo, '.gitignore'))).toBe(false);
    expect(await fixture.host.newCommits(ws)).toEqual([]);
  });

  it('does not add an exclude line when .worktrees/ is already ignored', async () => {
    await commitFile(fixture.repo, '.gitignore', '.worktrees/\n', 'ignore');
    const before = await readFile(join(fixture.repo, '.git', 'info', 'exclude'), 'utf8').catch(() => '');
    await createStandaloneHost({ repoDir: fixture.repo }).prepareWorkspace(
      makeFeature(fixture.repo, { WP01: [] }),
      'WP01',
    );
    expect(await readFile(join(fixture.repo, '.git', 'info', 'exclude'), 'utf8').catch(() => '')).toBe(
      before,
    );
  });

  it('bases a WP on its dependency branch, which it sees', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: ['WP01'] });
    const wp1 = await fixture.host.prepareWorkspace(feature, 'WP01');
    const tip = await commitFile(wp1.path, 'a.txt', 'from WP01\n', 'WP01 work');
    const wp2 = await fixture.host.prepareWorkspace(feature, 'WP02');
    expect(wp2.baseCommit).toBe(tip);
    expect(await readFile(join(wp2.path, 'a.txt'), 'utf8')).toBe('from WP01\n');
    expect(await fixture.host.newCommits(wp2)).toEqual([]);
  });

  it('merges several dependencies into a new branch, without counting the merge as work', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP03: [], WP04: ['WP01', 'WP03'] });
    await commitInWorktree(feature, 'WP01', 'a.txt', 'a\n');
    await commitInWorktree(feature, 'WP03', 'c.txt', 'c\n');
    const ws = await fixture.host.prepareWorkspace(feature, 'WP04');
    expect(await readFile(join(ws.path, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(join(ws.path, 'c.txt'), 'utf8')).toBe('c\n');
    expect(ws.baseCommit).toBe(await plainGit(ws.path, 'rev-parse', 'HEAD'));
    expect(await plainGit(ws.path, 'log', '-1', '--format=%P')).toContain(' '); // a merge commit
    expect(await fixture.host.newCommits(ws)).toEqual([]);
  });

  it('reports conflicting dependencies clearly and leaves no half-made worktree or branch', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP03: [], WP07: ['WP01', 'WP03'] });
    await commitInWorktree(feature, 'WP01', 'README.md', 'one\n');
    await commitInWorktree(feature, 'WP03', 'README.md', 'three\n');
    const failure = await fixture.host.prepareWorkspace(feature, 'WP07').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KittyError);
    expect((failure as KittyError).kind).toBe('host');
    expect((failure as KittyError).message).toBe('WP07: dependencies WP01 and WP03 conflict in README.md');
    expect(await exists(join(fixture.repo, '.worktrees', '001-demo-WP07'))).toBe(false);
    expect(await plainGit(fixture.repo, 'branch', '--list', '001-demo-WP07')).toBe('');
    expect(await worktreePaths()).toHaveLength(3);
  });

  it('prepares several WPs at once', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: [], WP03: [] });
    const all = await Promise.all(
      ['WP01', 'WP02', 'WP03'].map((id) => fixture.host.prepareWorkspace(feature, id)),
    );
    expect(all.map((ws) => ws.branch)).toEqual(['001-demo-WP01', '001-demo-WP02', '001-demo-WP03']);
    expect(await worktreePaths()).toHaveLength(4);
  });

  it('reuses an existing worktree on resume, keeping its commits and base', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [] });
    const first = await fixture.host.prepareWorkspace(feature, 'WP01');
    const work = await commitFile(first.path, 'work.txt', 'agent work\n', 'agent commit');
    const again = await createStandaloneHost({ repoDir: fixture.repo }).prepareWorkspace(feature, 'WP01');
    expect(again).toEqual(first);
    expect(await plainGit(again.path, 'rev-parse', 'HEAD')).toBe(work);
    expect(await fixture.host.newCommits(again)).toEqual([work]);
  });

  it('checks the branch out again when its worktree directory was deleted', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: ['WP01'] });
    await fixture.host.prepareWorkspace(feature, 'WP01');
    const first = await fixture.host.prepareWorkspace(feature, 'WP02');
    const work = await commitFile(first.path, 'work.txt', 'agent work\n', 'agent commit');
    await rm(first.path, { recursive: true, force: true });
    const again = await fixture.host.prepareWorkspace(feature, 'WP02');
    expect(again).toEqual(first);
    expect(await fixture.host.newCommits(again)).toEqual([work]);
  });

  it('creates the worktree anew when its directory and branch were deleted during the run', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [] });
    const first = await fixture.host.prepareWorkspace(feature, 'WP01');
    await rm(first.path, { recursive: true, force: true });
    await sh(fixture.repo, 'update-ref', '-d', `refs/heads/${first.branch}`);
    // The stale registration blocks the path until pruned; the same host must get past it.
    const again = await fixture.host.prepareWorkspace(feature, 'WP01');
    expect(again).toEqual(first);
    expect(await plainGit(again.path, 'symbolic-ref', '--short', 'HEAD')).toBe(first.branch);
    expect(await worktreePaths()).toEqual([fixture.repo, first.path]);
  });

  it('refuses a worktree directory that lost its .git file', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [] });
    const ws = await fixture.host.prepareWorkspace(feature, 'WP01');
    await rm(join(ws.path, '.git'));
    await expect(fixture.host.prepareWorkspace(feature, 'WP01')).rejects.toThrow(
      `WP01: ${ws.path} exists but is not a git worktree; move it away and retry`,
    );
  });

  it('refuses a worktree on the wrong branch, an unknown WP and a missing dependency branch', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: ['WP01'] });
    const ws = await fixture.host.prepareWorkspace(feature, 'WP01');
    await sh(ws.path, 'checkout', '--quiet', '-b', 'elsewhere');
    await expect(fixture.host.prepareWorkspace(feature, 'WP01')).rejects.toThrow(
      `WP01: worktree ${ws.path} is on branch elsewhere, expected 001-demo-WP01`,
    );
    await expect(fixture.host.prepareWorkspace(feature, 'WP09')).rejects.toThrow(
      'WP09 is not a work package of feature 001-demo',
    );
    await sh(fixture.repo, 'branch', '-D', '001-demo-WP01');
    await expect(fixture.host.prepareWorkspace(feature, 'WP02')).rejects.toThrow(
      'WP02: branch 001-demo-WP01 of dependency WP01 does not exist; implement WP01 first',
    );
  });

  it('uses a configured base branch, and refuses a detached HEAD without one', async () => {
    await sh(fixture.repo, 'branch', 'develop');
    await sh(fixture.repo, 'checkout', '--quiet', '--detach');
    const feature = makeFeature(fixture.repo, { WP01: [] });
    await expect(
      createStandaloneHost({ repoDir: fixture.repo }).prepareWorkspace(feature, 'WP01'),
    ).rejects.toThrow(/HEAD is detached/);
    const develop = await commitFile(fixture.repo, 'dev.txt', 'dev\n', 'on detached head');
    await sh(fixture.repo, 'branch', '-f', 'develop', develop);
    const ws = await createStandaloneHost({ repoDir: fixture.repo, baseBranch: 'develop' }).prepareWorkspace(
      feature,
      'WP01',
    );
    expect(ws.baseCommit).toBe(develop);
  });
});
