import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_SOURCE, SpawnHelper, type HelperCommand } from '../../src/executor/spawn-helper.js';

let dir = '';
const helper = new SpawnHelper();
beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'kitty-spawn-helper-'));
});
afterAll(async () => {
  helper.close();
  await rm(dir, { recursive: true, force: true });
});

const sh = (script: string, extra: Partial<HelperCommand> = {}): HelperCommand => ({
  file: 'sh',
  args: ['-c', script],
  cwd: dir,
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  timeoutMs: 30_000,
  maxBuffer: 1024 * 1024,
  ...extra,
});

/** Running (not a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('SpawnHelper', () => {
  it('runs commands side by side from argv arrays, in their cwd and env, with stdin, and answers each', async () => {
    const results = await Promise.all([
      helper.run(sh('sleep 0.2; echo "slow $PWD"')),
      helper.run(
        sh('echo "fast $GREETING"; echo oops >&2; exit 3', { env: { GREETING: 'hi', PATH: '/bin' } }),
      ),
      helper.run(sh('cat', { input: 'from stdin; $(not a shell)' })),
      helper.run({ ...sh(''), file: 'printf', args: ['%s|', 'a b', '$HOME', '; rm -rf /'] }),
    ]);
    expect(results.map((r) => [r.code, r.stdout, r.why])).toEqual([
      [0, `slow ${dir}\n`, null],
      [3, 'fast hi\n', null],
      [0, 'from stdin; $(not a shell)', null],
      [0, 'a b|$HOME|; rm -rf /|', null],
    ]);
    expect(results[1]?.stderr).toBe('oops\n');
  });

  it('stops a command past its timeout with its whole process group, and says why', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const result = await helper.run(sh(`sleep 60 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 }));
    expect(result.why).toBe('timed out after 300 ms');
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => alive(grandchild), { timeout: 10_000 }).toBe(false);
  });

  it('stops a command whose output passes the cap', async () => {
    const result = await helper.run(sh('yes', { maxBuffer: 10_000 }));
    expect(result.why).toBe('output past 10000 bytes');
  });

  it('reports a command that cannot start', async () => {
    const result = await helper.run({ ...sh(''), file: 'kitty-no-such-command' });
    expect(result.error).toMatch(/ENOENT/);
    expect(result.code ?? null).toBeNull();
  });

  it('fails the commands of a helper that died and starts a new one for the next', async () => {
    const running = helper.run(sh('sleep 30'));
    const pid = helper.pid ?? 0;
    process.kill(-pid, 'SIGKILL');
    await expect(running).rejects.toThrow(/the spawn helper ended/);
    expect((await helper.run(sh('echo again'))).stdout).toBe('again\n');
    expect(helper.pid).not.toBe(pid);
  });
});

describe('the helper when its parent dies', () => {
  it('lets running commands finish, then exits: nothing is left behind', async () => {
    const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      cwd: '/',
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const marker = join(dir, 'finished');
    const command = { id: 1, ...sh(`sleep 0.3; echo done > ${marker}`) };
    child.stdin.write(`${JSON.stringify(command)}\n`);
    // Our end of its input closes, as it does when we are SIGKILLed.
    child.stdin.end();
    const exited = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(exited).toBe(0);
    expect(await readFile(marker, 'utf8')).toBe('done\n');
  });
});
