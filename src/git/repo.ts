import { git, gitLine, tryGit } from './git.js';

/** Small questions asked of a repository or worktree. Each names its `cwd`: git answers for that checkout. */

/** The commit a ref points to, or null when it does not exist. */
export async function resolveCommit(ref: string, cwd: string): Promise<string | null> {
  const result = await tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Whether the local branch exists. */
export async function branchExists(branch: string, cwd: string): Promise<boolean> {
  return (await resolveCommit(`refs/heads/${branch}`, cwd)) !== null;
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

/** Commits reachable from `to` but not from `from`, newest first. */
export async function commitsBetween(from: string, to: string, cwd: string): Promise<string[]> {
  const out = await gitLine(['rev-list', `${from}..${to}`], cwd);
  return out === '' ? [] : out.split('\n');
}

const FALLBACK_NAME = 'kitty-orchestrator';
const FALLBACK_EMAIL = 'kitty-orchestrator@users.noreply.github.com';

/**
 * `-c` options that give git an identity when the repository has none (a fresh CI runner): commits and merge
 * commits would fail otherwise. Empty when the user configured one, which then wins.
 */
export async function identityArgs(cwd: string): Promise<string[]> {
  const name = await tryGit(['config', '--get', 'user.name'], cwd);
  const email = await tryGit(['config', '--get', 'user.email'], cwd);
  const args: string[] = [];
  if (name.exitCode !== 0 || name.stdout.trim() === '') args.push('-c', `user.name=${FALLBACK_NAME}`);
  if (email.exitCode !== 0 || email.stdout.trim() === '') args.push('-c', `user.email=${FALLBACK_EMAIL}`);
  return args;
}
