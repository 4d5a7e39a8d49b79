import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { processesInDir } from '../executor/proc-scan.js';
import { gitDirs } from './git-dirs.js';

/**
 * Git lock files a killed git command left behind (`index.lock`, `HEAD.lock`, ref locks, `shallow.lock`, …).
 * Git never removes another process's lock, so one left by an agent killed inside `git add` fails every later
 * git command there with "File exists", forever. A lock file records no owner; what we can judge is whether any
 * process still works where that lock's owner would: a lock with nobody left working there is stale.
 */

/** `*.lock` files directly in `dir`. */
async function locksIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.lock')).map((e) => path.join(dir, e.name));
}

/** `*.lock` files anywhere under `dir` (ref locks sit at the ref's own path). */
async function locksBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.lock'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Remove `locks` when no process (but this one) works in `busyDir`; returns those removed. */
async function removeIfIdle(locks: string[], busyDir: string): Promise<string[]> {
  if (locks.length === 0) return [];
  const busy = processesInDir(busyDir);
  // Unknown (no /proc) or someone is working there: the lock may be live, and git will say so itself.
  if (busy === null || busy.length > 0) return [];
  const removed: string[] = [];
  for (const lock of locks) {
    await rm(lock, { force: true });
    removed.push(lock);
  }
  return removed;
}

/**
 * Stale locks of one WP's worktree: its private locks (index, HEAD) and the locks of its own refs (the branch,
 * the base ref), judged by whether anything still works inside the worktree. Returns the files removed.
 */
export async function removeWorktreeLocks(worktree: string, refs: readonly string[]): Promise<string[]> {
  const { gitDir, commonDir } = await gitDirs(worktree);
  const refLocks = refs.map((ref) => path.join(commonDir, `${ref}.lock`));
  const present = await Promise.all(
    [...(await locksIn(gitDir)), ...refLocks].map(async (file) => ((await exists(file)) ? [file] : [])),
  );
  return removeIfIdle(present.flat(), worktree);
}

/**
 * Stale locks of the repository (its main checkout's and the shared ones: packed-refs, shallow, config, every
 * ref), judged by whether anything still works anywhere in the repository (worktrees included).
 */
export async function removeRepoLocks(root: string): Promise<string[]> {
  const { gitDir, commonDir } = await gitDirs(root);
  const dirs = [...new Set([gitDir, commonDir])];
  const locks = [
    ...(await Promise.all(dirs.map(locksIn))).flat(),
    ...(await locksBelow(path.join(commonDir, 'refs'))),
  ];
  return removeIfIdle([...new Set(locks)], root);
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
