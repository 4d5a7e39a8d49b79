import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { createFileStore } from '../../src/state/file-store.js';
import { acquireRunLock, readOwner, runLockPath } from '../../src/state/lock.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-lock.ts', import.meta.url));
let dir: string;
let children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kitty-lock-'));
});
afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  await rm(dir, { recursive: true, force: true });
});

/** Start a process that takes the lock on `lockDir` and holds it; resolves once it holds it. */
async function spawnHolder(lockDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, lockDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [first] = (await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(() => {
      throw new Error(`holder exited: ${stderr}`);
    }),
  ])) as [Buffer];
  expect(first.toString()).toBe('locked\n');
  return child;
}

describe('run lock', () => {
  it('refuses a second run in the same process, naming the holder', async () => {
    const release = await acquireRunLock(dir, { feature: '001-demo' });
    const error = await acquireRunLock(dir, { feature: '001-demo' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KittyError);
    expect((error as KittyError).kind).toBe('state');
    expect((error as KittyError).message).toMatch(
      new RegExp(
        `^feature 001-demo is being run by pid ${process.pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT.*; ` +
          `if that run is dead, wait 10 s or remove ${runLockPath(dir)}$`,
      ),
    );
    await release();
    await release(); // twice is harmless
    await expect(access(path.join(dir, 'owner.json'))).rejects.toThrow();
    const again = await acquireRunLock(dir);
    expect((await readOwner(dir))!.pid).toBe(process.pid);
    await again();
  });

  it('lets exactly one of two simultaneous acquirers win', async () => {
    const results = await Promise.allSettled([acquireRunLock(dir), acquireRunLock(dir), acquireRunLock(dir)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is being run by pid/);
    await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
  });

  it('reports a lost lock through onCompromised instead of crashing the process', async () => {
    let lost!: (error: KittyError) => void;
    const compromised = new Promise<KittyError>((resolve) => (lost = resolve));
    const release = await acquireRunLock(dir, { feature: '001-demo', staleMs: 2000, onCompromised: lost });
    // Someone removes the lock by hand: the next mtime refresh (within a second) notices.
    await rm(runLockPath(dir), { recursive: true });
    const error = await compromised;
    expect(error).toBeInstanceOf(KittyError);
    expect(error.message).toMatch(/^lost the run lock of feature 001-demo .*stop this one/);
    await release(); // releasing a lost lock is harmless
  });

  it('is what StateStore.lock() takes', async () => {
    const repoDir = dir;
    const store = createFileStore({ repoDir, feature: '001-demo' });
    const release = await store.lock();
    await expect(createFileStore({ repoDir, feature: '001-demo' }).lock()).rejects.toThrow(
      /feature 001-demo is being run by pid/,
    );
    // Another feature is another lock.
    const other = await createFileStore({ repoDir, feature: '002-other' }).lock();
    await other();
    await release();
  });

  it('names a live holder in another process, and takes over at once when it is killed -9', async () => {
    const child = await spawnHolder(dir);
    await expect(acquireRunLock(dir, { feature: 'held-feature' })).rejects.toThrow(
      `feature held-feature is being run by pid ${child.pid} on host ${hostname()}`,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The lock directory is still there, fresh (well within its 10 s stale period): only the dead-pid check frees it.
    await access(runLockPath(dir));
    const release = await acquireRunLock(dir);
    const owner = JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    await release();
  });
});
