import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { branchStatus, branchTips, commitsBetween, identityArgs } from '../../src/git/repo.js';
import { commitFile, makeRepo, plainGit, sh, useGitRepo } from '../host/git-fixture.js';

const fixture = useGitRepo();

describe('branchStatus', () => {
  it('reads the branch and whether untracked or changed files exist, ignoring ignored files', async () => {
    expect(await branchStatus(fixture.repo)).toEqual({ branch: 'main', dirty: false });
    await commitFile(fixture.repo, '.gitignore', 'ignored.txt\n', 'ignore');
    await writeFile(join(fixture.repo, 'ignored.txt'), 'x\n');
    expect(await branchStatus(fixture.repo)).toEqual({ branch: 'main', dirty: false });
    await writeFile(join(fixture.repo, 'new.txt'), 'x\n');
    expect(await branchStatus(fixture.repo)).toEqual({ branch: 'main', dirty: true });
  });

  it('reports a detached HEAD as no branch', async () => {
    await sh(fixture.repo, 'checkout', '--quiet', '--detach');
    await writeFile(join(fixture.repo, 'README.md'), 'changed\n');
    expect(await branchStatus(fixture.repo)).toEqual({ branch: null, dirty: true });
  });
});

describe('branchTips', () => {
  it('maps existing branches to their commits and leaves out missing ones and refs below a name', async () => {
    const main = await plainGit(fixture.repo, 'rev-parse', 'HEAD');
    await sh(fixture.repo, 'branch', 'topic/one');
    const tips = await branchTips(['main', 'missing', 'topic'], fixture.repo);
    expect(tips).toEqual(new Map([['main', main]]));
  });
});

describe('identityArgs', () => {
  it('falls back per missing key and keeps a configured identity', async () => {
    await plainGit(fixture.repo, 'config', 'user.email', 'ada@example.com');
    expect(await identityArgs(fixture.repo)).toEqual(['-c', 'user.name=kitty-orchestrator']);
    const other = await makeRepo();
    try {
      await plainGit(other, 'config', 'user.name', 'Ada');
      await plainGit(other, 'config', 'user.email', 'ada@example.com');
      expect(await identityArgs(other)).toEqual([]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('does not remember a failure', async () => {
    const dir = join(fixture.repo, 'later');
    await expect(identityArgs(dir)).rejects.toThrow();
    await mkdir(dir);
    expect(await identityArgs(dir)).toEqual([
      '-c',
      'user.name=kitty-orchestrator',
      '-c',
      'user.email=kitty-orchestrator@users.noreply.github.com',
    ]);
  });
});

describe('commitsBetween', () => {
  const revList = async (from: string, to: string): Promise<string[]> =>
    (await plainGit(fixture.repo, 'rev-list', `${from}..${to}`)).split('\n').filter(Boolean);
  const expectSameAsRevList = async (from: string, to: string): Promise<string[]> => {
    const listed = await commitsBetween(from, to, fixture.repo);
    expect(listed).toEqual(await revList(from, to));
    return listed;
  };

  it('lists a linear chain newest first, and nothing from a commit to itself', async () => {
    const base = await plainGit(fixture.repo, 'rev-parse', 'HEAD');
    const a = await commitFile(fixture.repo, 'a.txt', 'a\n', 'a');
    const b = await commitFile(fixture.repo, 'b.txt', 'b\n', 'b');
    expect(await expectSameAsRevList(base, b)).toEqual([b, a]);
    expect(await commitsBetween(b, b, fixture.repo)).toEqual([]);
  });

  it('gives the same answer as rev-list past a merge and when the base is not an ancestor', async () => {
    const base = await plainGit(fixture.repo, 'rev-parse', 'HEAD');
    await sh(fixture.repo, 'checkout', '--quiet', '-b', 'side');
    const side = await commitFile(fixture.repo, 'side.txt', 's\n', 'side');
    await sh(fixture.repo, 'checkout', '--quiet', 'main');
    await commitFile(fixture.repo, 'main.txt', 'm\n', 'main');
    await sh(fixture.repo, 'merge', '--quiet', '--no-edit', 'side');
    const merged = await plainGit(fixture.repo, 'rev-parse', 'HEAD');
    const after = await commitFile(fixture.repo, 'after.txt', 'x\n', 'after');
    expect(await expectSameAsRevList(base, after)).toHaveLength(4);
    expect(await expectSameAsRevList(side, after)).toContain(merged);
    expect(await expectSameAsRevList(after, side)).toEqual([]);
  });
});
