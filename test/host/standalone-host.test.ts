import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStandaloneHost } from '../../src/host/standalone.js';
import { commitFile, makeFeature, plainGit, sh, useHostRepo } from './git-fixture.js';

const fixture = useHostRepo();
const run = promisify(execFile);

describe('standalone host: the WP branch', () => {
  it('commits leftovers (untracked files too) as kitty-orchestrator when the fixture.repo has no identity', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    expect(await fixture.host.commitLeftovers(ws, 'nothing')).toBeNull();
    await writeFile(join(ws.path, 'README.md'), 'hello\nchanged\n');
    await writeFile(join(ws.path, 'new.txt'), 'brand new\n');
    const hash = await fixture.host.commitLeftovers(ws, 'WP01: leftovers');
    expect(hash).toBe(await plainGit(ws.path, 'rev-parse', 'HEAD'));
    expect(await plainGit(ws.path, 'log', '-1', '--format=%an <%ae>|%s')).toBe(
      'kitty-orchestrator <kitty-orchestrator@users.noreply.github.com>|WP01: leftovers',
    );
    expect(await plainGit(ws.path, 'status', '--porcelain')).toBe('');
    expect(await fixture.host.newCommits(ws)).toEqual([hash]);
  });

  it("keeps the user's identity when one is configured", async () => {
    await plainGit(fixture.repo, 'config', 'user.name', 'Ada');
    await plainGit(fixture.repo, 'config', 'user.email', 'ada@example.com');
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    await writeFile(join(ws.path, 'x.txt'), 'x\n');
    await fixture.host.commitLeftovers(ws, 'leftovers');
    expect(await plainGit(ws.path, 'log', '-1', '--format=%an <%ae>')).toBe('Ada <ada@example.com>');
  });

  it('refuses to commit leftovers when the agent switched the worktree to another branch', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    await sh(ws.path, 'checkout', '--quiet', '-b', 'agent-branch');
    await writeFile(join(ws.path, 'x.txt'), 'x\n');
    await expect(fixture.host.commitLeftovers(ws, 'm')).rejects.toThrow(
      /WP01: worktree .* is on branch agent-branch/,
    );
  });

  it('lists new commits newest first and diffs the work against the base', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    const first = await commitFile(ws.path, 'src/a.ts', 'export const a = 1;\n', 'first');
    const second = await commitFile(ws.path, 'src/b.ts', 'export const b = 2;\n', 'second');
    expect(await fixture.host.newCommits(ws)).toEqual([second, first]);
    const diff = await fixture.host.diff(ws);
    expect(diff).toMatch(/src\/a\.ts \| 1 \+/);
    expect(diff).toContain('+export const b = 2;');
    expect(diff).not.toContain('README');
  });

  it('follows the branch as it moves: new commits, a reset back, the same range asked again', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    expect(await fixture.host.newCommits(ws)).toEqual([]);
    const first = await commitFile(ws.path, 'a.txt', 'a\n', 'first');
    expect(await fixture.host.newCommits(ws)).toEqual([first]);
    const second = await commitFile(ws.path, 'b.txt', 'b\n', 'second');
    const listed = await fixture.host.newCommits(ws);
    expect(listed).toEqual([second, first]);
    listed.pop(); // a caller changing its copy must not change the next answer
    await sh(ws.path, 'reset', '--quiet', '--hard', first);
    expect(await fixture.host.newCommits(ws)).toEqual([first]);
    await sh(ws.path, 'reset', '--quiet', '--hard', second);
    expect(await fixture.host.newCommits(ws)).toEqual([second, first]);
  });

  it('diffs exactly as `git diff --stat` followed by `git diff` would', async () => {
    const ws = await fixture.host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    const gitDiff = async (...args: string[]) =>
      (await run('git', ['diff', ...args, ws.baseCommit, ws.branch], { cwd: ws.path })).stdout;
    const expected = async () => `${await gitDiff('--stat')}\n${await gitDiff()}`;
    expect(await fixture.host.diff(ws)).toBe(await expected());
    await writeFile(join(ws.path, 'bin.dat'), Buffer.from([0, 1, 2, 3]));
    await sh(ws.path, 'add', 'bin.dat');
    await sh(ws.path, 'mv', 'README.md', 'docs.md');
    await commitFile(ws.path, 'with space.txt', 'a\n\nb\n', 'files');
    const diff = await fixture.host.diff(ws);
    expect(diff).toContain('Binary files');
    expect(diff).toBe(await expected());
  });

  it('cuts a large diff with a note', async () => {
    const small = createStandaloneHost({ repoDir: fixture.repo, maxDiffChars: 500 });
    const ws = await small.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    await commitFile(ws.path, 'big.txt', 'line of text\n'.repeat(1000), 'big');
    const diff = await small.diff(ws);
    expect(diff).toMatch(
      /\[kitty-orchestrator: diff truncated to 500 of \d+ characters; run `git diff \w+ 001-demo-WP01`/,
    );
    expect(diff.length).toBeLessThan(1000);
  });
});

describe('standalone host: markSubtasksDone', () => {
  const tasksMd = [
    '# Tasks',
    '',
    '## Work Package WP01: First',
    '- [ ] T001 [P] Do one',
    '- [x] T002 Already done',
    '- [ ] T003 Do three',
    '',
    '## Work Package WP02: Second',
    '- [ ] T004 Do four',
    '',
  ].join('\n');

  it("ticks only the WP's boxes, writes only on a change and does not commit", async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: [] });
    const file = join(feature.dir, 'tasks.md');
    await mkdir(feature.dir, { recursive: true });
    await writeFile(file, tasksMd);
    await sh(fixture.repo, 'add', '.');
    await sh(fixture.repo, 'commit', '--quiet', '-m', 'tasks');
    await fixture.host.markSubtasksDone(feature, 'WP01');
    const ticked = await readFile(file, 'utf8');
    expect(ticked).toBe(tasksMd.replace('- [ ] T001', '- [x] T001').replace('- [ ] T003', '- [x] T003'));
    expect(await plainGit(fixture.repo, 'status', '--porcelain')).toBe('M kitty-specs/001-demo/tasks.md');
    const inode = (await stat(file)).ino;
    await fixture.host.markSubtasksDone(feature, 'WP01');
    expect((await stat(file)).ino).toBe(inode);
    expect(await readFile(file, 'utf8')).toBe(ticked);
  });

  it('loses no tick when two WPs finish at once', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: [] });
    await mkdir(feature.dir, { recursive: true });
    await writeFile(join(feature.dir, 'tasks.md'), tasksMd);
    await Promise.all([
      fixture.host.markSubtasksDone(feature, 'WP01'),
      fixture.host.markSubtasksDone(feature, 'WP02'),
    ]);
    expect(await readFile(join(feature.dir, 'tasks.md'), 'utf8')).not.toContain('- [ ]');
  });

  it('does nothing when the feature has no tasks.md', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [] });
    await expect(fixture.host.markSubtasksDone(feature, 'WP01')).resolves.toBeUndefined();
  });
});

describe('standalone host: cleanup', () => {
  it('removes merged worktrees and keeps unmerged and dirty ones', async () => {
    const feature = makeFeature(fixture.repo, { WP01: [], WP02: [], WP03: [] });
    const merged = await fixture.host.prepareWorkspace(feature, 'WP01');
    await commitFile(merged.path, 'one.txt', '1\n', 'WP01');
    await sh(fixture.repo, 'merge', '--quiet', '--no-edit', '--no-ff', merged.branch);
    const unmerged = await fixture.host.prepareWorkspace(feature, 'WP02');
    await commitFile(unmerged.path, 'two.txt', '2\n', 'WP02');
    const dirty = await fixture.host.prepareWorkspace(feature, 'WP03');
    await writeFile(join(dirty.path, 'scratch.txt'), 'not committed\n');
    // Another feature whose slug starts the same: not ours to clean.
    const otherFeature = { ...makeFeature(fixture.repo, { WP01: [] }), slug: '001-demo-extra' };
    await fixture.host.prepareWorkspace(otherFeature, 'WP01');

    const result = await fixture.host.cleanup(feature);
    expect(result.removed).toEqual([merged.path]);
    expect(result.kept).toEqual([
      { path: unmerged.path, reason: 'has 1 unmerged commit' },
      { path: dirty.path, reason: 'has uncommitted changes' },
    ]);
    const branches = await plainGit(fixture.repo, 'branch', '--format=%(refname:short)');
    expect(branches.split('\n').sort()).toEqual([
      '001-demo-WP02',
      '001-demo-WP03',
      '001-demo-extra-WP01',
      'main',
    ]);
    expect(await plainGit(fixture.repo, 'for-each-ref', 'refs/kitty-orchestrator/base/001-demo-WP01')).toBe(
      '',
    );
    expect(await readFile(join(dirty.path, 'scratch.txt'), 'utf8')).toBe('not committed\n');
  });
});

describe('standalone host: construction', () => {
  it('starts no work until it is used (no unawaited git or .git/info/exclude write)', async () => {
    const processes = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;
    const before = processes();
    const host = createStandaloneHost({ repoDir: fixture.repo });
    expect(processes()).toBe(before);
    expect(await readFile(join(fixture.repo, '.git', 'info', 'exclude'), 'utf8')).not.toContain('.worktrees');
    await host.prepareWorkspace(makeFeature(fixture.repo, { WP01: [] }), 'WP01');
    expect(await readFile(join(fixture.repo, '.git', 'info', 'exclude'), 'utf8')).toContain('/.worktrees/');
  });
});
