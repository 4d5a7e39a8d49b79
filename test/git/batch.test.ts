import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { objectInfo, stopGitBatches, tryUpdateRefs, updateRefs } from '../../src/git/batch.js';
import { GitError } from '../../src/git/git.js';
import { LineProcess } from '../../src/git/line-process.js';
import { commitFile, sh, useGitRepo } from '../host/git-fixture.js';

const fixture = useGitRepo();
afterEach(() => stopGitBatches());

const head = async (cwd: string): Promise<string> => (await sh(cwd, 'rev-parse', 'HEAD')).trim();

describe('objectInfo (cat-file --batch-check)', () => {
  it('answers in order, null for what names nothing, and sees refs and commits made by others since', async () => {
    const first = await head(fixture.repo);
    expect(await objectInfo(['refs/heads/main', 'refs/heads/nope', `${first}^{tree}`], fixture.repo)).toEqual(
      [
        { oid: first, type: 'commit' },
        null,
        { oid: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown, type: 'tree' },
      ],
    );
    // The same long-lived process, after another git made a commit and a branch.
    const second = await commitFile(fixture.repo, 'b.txt', 'b\n', 'second');
    await sh(fixture.repo, 'branch', 'topic');
    expect(await objectInfo(['refs/heads/main', 'refs/heads/topic'], fixture.repo)).toEqual([
      { oid: second, type: 'commit' },
      { oid: second, type: 'commit' },
    ]);
  });

  it('answers for a linked worktree from the shared repository, without running inside it', async () => {
    const wt = join(fixture.repo, '.worktrees', 'wt');
    await sh(fixture.repo, 'worktree', 'add', '--quiet', '-b', 'wt-branch', wt);
    const [info] = await objectInfo(['refs/heads/wt-branch'], wt);
    expect(info?.oid).toBe(await head(fixture.repo));
  });

  it('refuses a revision with a line break instead of shifting every later answer', async () => {
    await expect(objectInfo(['main\nHEAD'], fixture.repo)).rejects.toThrow(/line break/);
  });

  it('starts a new process when the last one died', async () => {
    expect((await objectInfo(['refs/heads/main'], fixture.repo))[0]).not.toBeNull();
    stopGitBatches();
    expect((await objectInfo(['refs/heads/main'], fixture.repo))[0]?.type).toBe('commit');
  });
});

describe('updateRefs (update-ref --stdin transactions)', () => {
  it('applies several updates in one transaction, and one process serves the next transaction', async () => {
    const tip = await head(fixture.repo);
    await updateRefs([`create refs/x/a ${tip}`, `create refs/x/b ${tip}`], fixture.repo);
    await updateRefs([`delete refs/x/a ${tip}`], fixture.repo);
    expect(await objectInfo(['refs/x/a', 'refs/x/b'], fixture.repo)).toEqual([
      null,
      { oid: tip, type: 'commit' },
    ]);
  });

  it('is all or nothing: a refused update names git reason, applies nothing, and the next one works', async () => {
    const tip = await head(fixture.repo);
    await updateRefs([`create refs/x/a ${tip}`], fixture.repo);
    const refused = updateRefs([`create refs/x/b ${tip}`, `create refs/x/a ${tip}`], fixture.repo);
    await expect(refused).rejects.toThrow(GitError);
    await expect(refused).rejects.toThrow(/refs\/x\/a/);
    expect((await objectInfo(['refs/x/b'], fixture.repo))[0]).toBeNull();
    expect(await tryUpdateRefs([`delete refs/x/a ${'0'.repeat(39)}1`], fixture.repo)).toBe(false);
    expect(await tryUpdateRefs([`delete refs/x/a ${tip}`], fixture.repo)).toBe(true);
  });
});

describe('LineProcess', () => {
  const shell = (script: string, idleMs?: number): LineProcess =>
    new LineProcess({
      argv: ['sh', '-c', script],
      cwd: '/',
      env: process.env,
      ...(idleMs ? { idleMs } : {}),
    });
  const oneLine = (input: string, timeoutMs = 30_000) => ({
    input,
    done: (lines: readonly string[]) => lines.length === 1,
    timeoutMs,
  });

  it('kills a process that does not answer in time; the requests behind it go to a new one', async () => {
    // Answers only its second line: the first request times out, the next is answered by a fresh process.
    const proc = shell('read a; read b; echo "$b"; cat');
    const stuck = proc.request(oneLine('first\n', 200));
    const pid = proc.pid;
    const next = proc.request(oneLine('x\ny\n'));
    await expect(stuck).rejects.toThrow(/no answer within 200 ms/);
    expect(await next).toEqual(['y']);
    expect(pid).toBeDefined();
    await expect.poll(() => procAlive(pid ?? 0), { timeout: 10_000 }).toBe(false);
    proc.stop();
  });

  it('reports a process that died mid-request with its last words', async () => {
    const proc = shell('read a; echo "fatal: cannot do $a" >&2; exit 3');
    await expect(proc.request(oneLine('that\n'))).rejects.toThrow(/exit 3\): fatal: cannot do that/);
  });

  it('ends an idle process by closing its stdin', async () => {
    const proc = shell('while read a; do echo "$a"; done', 50);
    expect(await proc.request(oneLine('hi\n'))).toEqual(['hi']);
    const pid = proc.pid ?? 0;
    await expect.poll(() => procAlive(pid), { timeout: 10_000 }).toBe(false);
  });
});

function procAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
