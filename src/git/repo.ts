import { objectInfo } from './batch.js';
import { git, GitError, gitLine, tryGit } from './git.js';
import { remembered } from './memo.js';

/** Small questions asked of a repository or worktree. Each names its `cwd`: git answers for that checkout. */

/**
 * Names the batch process can answer for any checkout: full ref names and object names. `HEAD`, `@{…}` and
 * short names may mean something else in a linked worktree than in the shared repository.
 */
const SHARED_NAME = /^(refs\/[^@]+|[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The commit a ref points to, or null when it does not exist. */
export async function resolveCommit(ref: string, cwd: string): Promise<string | null> {
  if (SHARED_NAME.test(ref)) return (await objectInfo([`${ref}^{commit}`], cwd))[0]?.oid ?? null;
  const result = await tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** The commit `branch` points to; a GitError names it when it does not exist. */
export async function branchTip(branch: string, cwd: string): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const commit = await resolveCommit(ref, cwd);
  if (commit === null) throw new GitError(['rev-parse', ref], cwd, 128, `fatal: no branch ${branch}`, '');
  return commit;
}

/** The branch checked out in `cwd`, or null on a detached HEAD. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await tryGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], cwd);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestor(ancestor: string, descendant: string, cwd: string): Promise<boolean> {
  return (await tryGit(['merge-base', '--is-ancestor', ancestor, descendant], cwd)).exitCode === 0;
}

/** Uncommitted changes, untracked files included, ignored files not. */
export async function isDirty(cwd: string): Promise<boolean> {
  return (await git(['status', '--porcelain'], cwd)).trim() !== '';
}

/**
 * The checked-out branch (null on a detached HEAD) and whether there are uncommitted changes (untracked files
 * included, ignored files not), from one `git status`. Porcelain v2 headers are stable and never translated.
 */
export async function branchStatus(cwd: string): Promise<{ branch: string | null; dirty: boolean }> {
  const lines = (await git(['status', '--porcelain=v2', '--branch'], cwd)).split('\n').filter(Boolean);
  const head = lines.find((line) => line.startsWith('# branch.head '))?.slice('# branch.head '.length);
  return {
    branch: head === undefined || head === '(detached)' ? null : head,
    dirty: lines.some((line) => !line.startsWith('#')),
  };
}

/** The commits the given local branches point to, looked up in one round trip; missing branches are absent. */
export async function branchTips(branches: readonly string[], cwd: string): Promise<Map<string, string>> {
  const infos = await objectInfo(
    branches.map((branch) => `refs/heads/${branch}`),
    cwd,
  );
  const tips = new Map<string, string>();
  branches.forEach((branch, i) => {
    const info = infos[i];
    if (info) tips.set(branch, info.oid);
  });
  return tips;
}

/** Commits reachable from `to` but not from `from`, newest first. */
export async function commitsBetween(from: string, to: string, cwd: string): Promise<string[]> {
  const linear = await linearCommits(from, to, cwd);
  if (linear !== null) return linear;
  const out = await gitLine(['rev-list', `${from}..${to}`], cwd);
  return out === '' ? [] : out.split('\n');
}

/** How far the parent walk goes before it leaves the question to `rev-list`. */
const MAX_WALK = 64;
const OBJECT_NAME = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The usual case without a process: `to` reaches the commit `from` through single-parent commits (an agent's
 * commits on its WP branch). Walks first parents through the batch process and gives up (null) at a merge, a
 * root, or after MAX_WALK commits; `rev-list` answers those. For such a chain both give the same list.
 */
async function linearCommits(from: string, to: string, cwd: string): Promise<string[] | null> {
  if (!OBJECT_NAME.test(from) || !OBJECT_NAME.test(to)) return null;
  const chain: string[] = [];
  let commit = to;
  while (commit !== from) {
    if (chain.length === MAX_WALK) return null;
    const [self, first, second] = await objectInfo([`${commit}^{commit}`, `${commit}^1`, `${commit}^2`], cwd);
    if (self?.type !== 'commit' || first?.type !== 'commit' || second !== null) return null;
    chain.push(self.oid);
    commit = first.oid;
  }
  return chain;
}

const FALLBACK_NAME = 'kitty-orchestrator';
const FALLBACK_EMAIL = 'kitty-orchestrator@users.noreply.github.com';

/** Identities by directory: asked once per worktree, not once per commit. Failures are not kept. */
const identities = new Map<string, Promise<string[]>>();

/**
 * `-c` options that give git an identity when the repository has none (a fresh CI runner): commits and merge
 * commits would fail otherwise. Empty when the user configured one, which then wins.
 */
export function identityArgs(cwd: string): Promise<string[]> {
  return remembered(identities, cwd, () => readIdentityArgs(cwd));
}

async function readIdentityArgs(cwd: string): Promise<string[]> {
  // One process for both keys; exit 1 means neither is set. Like `--get`, the last value of a key wins.
  const result = await tryGit(['config', '--get-regexp', '^user\\.(name|email)$'], cwd);
  const values = new Map<string, string>();
  if (result.exitCode === 0) {
    for (const line of result.stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) values.set(line.slice(0, space), line.slice(space + 1).trim());
    }
  }
  const args: string[] = [];
  if (!values.get('user.name')) args.push('-c', `user.name=${FALLBACK_NAME}`);
  if (!values.get('user.email')) args.push('-c', `user.email=${FALLBACK_EMAIL}`);
  return args;
}
