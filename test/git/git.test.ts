import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, GitError, setGitSpawn, tryGit } from '../../src/git/git.js';
import { useGitRepo } from '../host/git-fixture.js';

const fixture = useGitRepo();
afterEach(() => setGitSpawn('helper'));

// The same promises whether git is forked by the spawn helper (the default) or by this process.
describe.each(['helper', 'direct'] as const)('git commands (forked by: %s)', (mode) => {
  beforeEach(() => setGitSpawn(mode));

  it('answers a non-zero exit with its code and output, and feeds stdin', async () => {
    expect((await tryGit(['rev-parse', '--verify', '--quiet', 'nope'], fixture.repo)).exitCode).toBe(1);
    const oid = (await git(['hash-object', '--stdin'], fixture.repo, { input: 'hello\n' })).trim();
    expect(oid).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('passes variables for one command only', async () => {
    const out = await git(['var', 'GIT_AUTHOR_IDENT'], fixture.repo, {
      env: { GIT_AUTHOR_NAME: 'Only Once', GIT_AUTHOR_EMAIL: 'once@example.com' },
    });
    expect(out).toMatch(/^Only Once <once@example.com>/);
    const next = await git(['var', 'GIT_AUTHOR_IDENT'], fixture.repo, {
      env: { GIT_AUTHOR_EMAIL: 'next@example.com' },
    });
    expect(next).not.toContain('Only Once');
  });

  it('fails with a GitError naming the command and directory when git cannot run there', async () => {
    const missing = join(fixture.repo, 'gone');
    const failure = tryGit(['status'], missing);
    await expect(failure).rejects.toThrow(GitError);
    await expect(failure).rejects.toThrow(`git status failed in ${missing} (did not finish)`);
  });

  it('stops a command past its timeout', async () => {
    const args = ['-c', 'alias.hang=!sleep 30', 'hang'];
    await expect(tryGit(args, fixture.repo, { timeoutMs: 300 })).rejects.toThrow(
      /did not finish\): (timed out)/,
    );
  });
});
