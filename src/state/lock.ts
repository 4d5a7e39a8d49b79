import { mkdir, rm, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { lock } from 'proper-lockfile';
import { assertNoSymlink, writeFileNoFollow } from '../safe-write.js';
import { errorMessage, KittyError } from '../errors.js';
import { ownerFile, readOwner, type LockOwner } from './lock-owner.js';

export { readOwner, type LockOwner } from './lock-owner.js';

/**
 * One run per feature. The lock is a proper-lockfile directory (`run.lock`) inside the feature's orchestration
 * dir, kept fresh by mtime updates and stale after 10 s; `owner.json` beside it says who holds it, so a second
 * run can name the holder, and a holder that died on this host (kill -9) is taken over at once instead of after
 * the stale period: the user's `resume` right after a crash must not fail.
 *
 * Every acquisition runs under a short-lived guard lock (`guard.lock`), so "owner is dead -> remove its lock ->
 * take it" cannot race with another process doing the same, and owner.json always matches the lock's holder.
 */

/** Releases the lock; safe to call twice and after the lock was compromised; never throws. */
export type ReleaseLock = () => Promise<void>;

export interface RunLockOptions {
  /** The feature's name, for messages (default: the directory's name). */
  feature?: string;
  /**
   * Called (never thrown) when the lock is lost while held: its mtime could not be refreshed within the stale
   * period, or someone removed it. Another run may then start on the feature; the holder should stop.
   */
  onCompromised?: (error: KittyError) => void;
  /** How old an unrefreshed lock must be to count as abandoned (default 10 s; proper-lockfile's floor is 2 s). */
  staleMs?: number;
}

/** One acquisition's settings. */
interface Target {
  dir: string;
  feature: string;
  staleMs: number;
  onCompromised: RunLockOptions['onCompromised'];
}

const STALE_MS = 10_000;
// Contention on the guard lasts milliseconds; the retries outlast its stale period should a holder die inside it.
const GUARD_RETRIES = { retries: 60, factor: 1.3, minTimeout: 10, maxTimeout: 250 };

/** Take the run lock of the feature whose orchestration dir is `dir`; throws KittyError('state') naming the holder. */
export async function acquireRunLock(dir: string, options: RunLockOptions = {}): Promise<ReleaseLock> {
  const target: Target = {
    dir,
    feature: options.feature ?? path.basename(dir),
    staleMs: Math.max(options.staleMs ?? STALE_MS, 2000),
    onCompromised: options.onCompromised,
  };
  await assertNoSymlink(dir);
  await mkdir(dir, { recursive: true });
  const releaseGuard = await takeGuard(target);
  try {
    const release = await lockOrTakeOver(target);
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: new Date().toISOString(),
      feature: target.feature,
    };
    try {
      await writeFileNoFollow(ownerFile(dir), `${JSON.stringify(owner, null, 2)}\n`);
    } catch (error) {
      await release().catch(() => undefined);
      throw new KittyError('state', `cannot write ${ownerFile(dir)}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    return releaser(dir, owner, release);
  } finally {
    await releaseGuard().catch(() => undefined);
  }
}

/** The lock directory a user may remove by hand when its holder is gone. */
export function runLockPath(dir: string): string {
  return path.join(dir, 'run.lock');
}

async function takeGuard(target: Target): Promise<() => Promise<void>> {
  const guard = path.join(target.dir, 'guard');
  try {
    // realpath false: the lock "file" need not exist; distinct targets keep proper-lockfile's registry apart.
    return await lock(guard, { realpath: false, stale: target.staleMs, retries: GUARD_RETRIES });
  } catch (error) {
    throw new KittyError(
      'state',
      `cannot lock feature ${target.feature}: ${errorMessage(error)} (${guard}.lock)`,
      {
        cause: error,
      },
    );
  }
}

async function lockOrTakeOver(target: Target): Promise<() => Promise<void>> {
  const file = path.join(target.dir, 'run');
  const options = {
    realpath: false,
    stale: target.staleMs,
    onCompromised: (error: Error) => reportCompromised(target, error),
  };
  try {
    return await lock(file, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(target, error);
    const owner = await readOwner(target.dir);
    if (!owner || owner.hostname !== hostname() || isAlive(owner.pid)) throw heldError(target, owner);
    // The holder died without releasing (kill -9, OOM): its lock is ours to take, right now.
    await rmdir(runLockPath(target.dir)).catch(() => undefined);
    try {
      return await lock(file, options);
    } catch (again) {
      throw lockError(target, again);
    }
  }
}

function releaser(dir: string, owner: LockOwner, release: () => Promise<void>): ReleaseLock {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const current = await readOwner(dir);
    if (current?.pid === owner.pid && current.startedAt === owner.startedAt) {
      // Best effort: on a read-only or full disk, this cleanup error must not replace the error that ended the
      // run; a stale owner.json names a dead pid, which the next run takes over at once.
      await rm(ownerFile(dir), { force: true }).catch(() => undefined);
    }
    // ERELEASED after a compromise: the lock is already gone, and the caller was told through onCompromised.
    await release().catch(() => undefined);
  };
}

function reportCompromised(target: Target, cause: Error): void {
  const error = new KittyError(
    'state',
    `lost the run lock of feature ${target.feature} (${cause.message}); another run may start on it: stop this one (${runLockPath(target.dir)})`,
    { cause },
  );
  try {
    target.onCompromised?.(error);
  } catch {
    // This runs on a proper-lockfile timer: a throwing callback would take the whole process down.
  }
}

function heldError(target: Target, owner: LockOwner | null): KittyError {
  const who = owner
    ? `pid ${owner.pid} on host ${owner.hostname} since ${owner.startedAt}`
    : 'another process (no owner.json)';
  const wait = Math.ceil(target.staleMs / 1000);
  return new KittyError(
    'state',
    `feature ${target.feature} is being run by ${who}; if that run is dead, wait ${wait} s or remove ${runLockPath(target.dir)}`,
  );
}

function lockError(target: Target, error: unknown): KittyError {
  if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return heldError(target, null);
  const where = runLockPath(target.dir);
  return new KittyError('state', `cannot lock feature ${target.feature}: ${errorMessage(error)} (${where})`, {
    cause: error,
  });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to someone else; only ESRCH proves it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
