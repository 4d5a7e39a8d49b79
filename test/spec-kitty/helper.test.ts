import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/executor/process-tree.js';
import {
  consoleScriptPython,
  startSpecKittyHelper,
  type SpecKittyHelper,
} from '../../src/host/spec-kitty-helper.js';
import { createSpecKittyCli, HEADLESS_ENV } from '../../src/host/spec-kitty-cli.js';
import { runProcess } from '../../src/executor/run-process.js';
import { pidIn, until } from '../helpers/until.js';
import { findSpecKitty, specKittyEnv } from './real-spec-kitty.js';

/**
 * The spec-kitty helper with real processes: a real Python runs a fake `spec-kitty` console script (no
 * spec-kitty needed: the helper then runs cold, which changes nothing but speed).
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');

function findPython(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const python = findPython();

/** A console script like pip writes, whose commands behave like a CLI: succeed, fail, hang, crash, kill us. */
const SCRIPT = `# -*- coding: utf-8 -*-
import json, os, signal, sys, time

def main():
    cmd, *rest = sys.argv[1:] or [""]
    if cmd == "echo":
        print(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(), "mark": os.environ.get("FAKE_MARK"), "stdin": sys.stdin.read()}))
        print("a warning", file=sys.stderr)
        return 0
    if cmd == "exit":
        return int(rest[0])
    if cmd == "raise":
        raise RuntimeError("boom")
    if cmd == "signal":
        os.kill(os.getpid(), signal.SIGKILL)
    with open(rest[0], "w") as handle:
        handle.write(str(os.getpid()))
    if cmd == "kill-helper":
        os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(600)

if __name__ == "__main__":
    sys.exit(main())
`;

let dir: string;
let script: string;
const helpers: SpecKittyHelper[] = [];
const leftovers: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kitty-sk-helper-'));
  script = path.join(dir, 'spec-kitty');
  await writeFile(script, `#!${python ?? '/usr/bin/python3'}\n${SCRIPT}`);
  await chmod(script, 0o755);
});
afterEach(async () => {
  await Promise.all(helpers.splice(0).map((h) => h.close()));
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function helper(): SpecKittyHelper {
  const started = startSpecKittyHelper({
    python: python ?? '',
    script,
    cwd: dir,
    env: { ...process.env, FAKE_MARK: 'marked' },
    killGraceMs: 500,
  });
  helpers.push(started);
  return started;
}

const gone = (pid: number) => () => (isProcessAlive(pid) ? null : true);

describe('which spec-kitty gets the helper', () => {
  it('a console script names its interpreter; anything else spawns per call', async () => {
    expect(await consoleScriptPython(script)).toBe(python ?? '/usr/bin/python3');
    const shell = path.join(dir, 'wrapper');
    await writeFile(shell, '#!/bin/sh\nexec python3 -m specify_cli "$@"\n');
    const viaEnv = path.join(dir, 'env-script');
    await writeFile(viaEnv, '#!/usr/bin/env python3\nimport sys\n');
    expect(await consoleScriptPython(shell)).toBeNull();
    expect(await consoleScriptPython(viaEnv)).toBeNull();
    expect(await consoleScriptPython(path.join(dir, 'missing'))).toBeNull();
  });

  it('a spec-kitty that is not a Python console script is spawned per call, as before', async () => {
    const bin = path.join(dir, 'sk-wrapper');
    const envelope = { contract_version: '1.5.0', command: 'x', success: true, error_code: null, data: {} };
    await writeFile(bin, `#!/bin/sh\necho "$PPID $$" >> ${dir}/pids\necho '${JSON.stringify(envelope)}'\n`);
    await chmod(bin, 0o755);
    const python = await consoleScriptPython(bin);
    const helperOrNull =
      python === null ? null : startSpecKittyHelper({ python, script: bin, cwd: dir, env: {} });
    const cli = createSpecKittyCli({ bin, cwd: dir, runProcess, helper: Promise.resolve(helperOrNull) });
    expect((await cli.api(['contract-version'])).contract_version).toBe('1.5.0');
    expect((await cli.api(['contract-version'])).success).toBe(true);
    expect(helperOrNull).toBeNull();
    // Two calls, two processes of their own.
    expect(new Set((await readFile(path.join(dir, 'pids'), 'utf8')).trim().split('\n')).size).toBe(2);
  });

  it('an interpreter that cannot run the helper answers null (the caller spawns instead)', async () => {
    const broken = startSpecKittyHelper({ python: '/bin/false', script, cwd: dir, env: process.env });
    helpers.push(broken);
    expect(await broken.call(['echo'], 60_000)).toBeNull();
    expect(await broken.call(['echo'], 60_000)).toBeNull();
  });
});

describe.runIf(python !== null && process.platform === 'linux')('the spec-kitty helper', () => {
  it('runs each call like a fresh process: argv, cwd, env, stdin, stdout, stderr, exit code', async () => {
    const h = helper();
    const [echo, failed, raised, killed] = await Promise.all([
      h.call(['echo', '--mission', 'x y'], 60_000),
      h.call(['exit', '3'], 60_000),
      h.call(['raise'], 60_000),
      h.call(['signal'], 60_000),
    ]);
    expect(JSON.parse(echo?.stdout ?? '')).toEqual({
      argv: ['echo', '--mission', 'x y'],
      cwd: dir,
      mark: 'marked',
      stdin: '',
    });
    expect(echo).toMatchObject({ exitCode: 0, signal: null, stderr: 'a warning\n', stoppedBy: null });
    expect(failed).toMatchObject({ exitCode: 3, stdout: '' });
    expect(raised?.exitCode).toBe(1);
    expect(raised?.stderr).toContain('RuntimeError: boom');
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('a call past its timeout is stopped with the whole helper; the next call starts a new one', async () => {
    const h = helper();
    const pidFile = path.join(dir, 'hung.pid');
    const call = h.call(['hang', pidFile], 3_000);
    const hung = await until(pidIn(pidFile), 'the call to start');
    leftovers.push(hung);
    expect(await call).toMatchObject({ stoppedBy: 'wall_timeout', exitCode: null });
    await until(gone(hung), `the hung call ${hung} to end`);
    expect((await h.call(['exit', '0'], 60_000))?.exitCode).toBe(0);
  });

  it('a helper that dies mid-call fails that call, leaves no child, and is replaced', async () => {
    const h = helper();
    const pidFile = path.join(dir, 'orphan.pid');
    const outcome = await h.call(['kill-helper', pidFile], 60_000);
    expect(outcome?.exitCode).toBeNull();
    expect(outcome?.stderr).toMatch(/the spec-kitty helper exited \(SIGKILL\)/);
    const orphan = await until(pidIn(pidFile), 'the call to have started');
    leftovers.push(orphan);
    await until(gone(orphan), `the orphaned call ${orphan} to end`);
    expect((await h.call(['exit', '4'], 60_000))?.exitCode).toBe(4);
  });

  it('when the orchestrator is killed with SIGKILL, the helper and its calls end', async () => {
    const pidFile = path.join(dir, 'call.pid');
    const orchestrator = `
      import { startSpecKittyHelper } from ${JSON.stringify(path.join(ROOT, 'src/host/spec-kitty-helper.ts'))};
      const h = startSpecKittyHelper({ python: ${JSON.stringify(python)}, script: ${JSON.stringify(script)},
        cwd: ${JSON.stringify(dir)}, env: process.env });
      await h.call(['hang', ${JSON.stringify(pidFile)}], 600000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', orchestrator], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const callPid = await until(pidIn(pidFile), 'the call to start');
    leftovers.push(callPid);
    const helperPid = Number(
      (await readFile(`/proc/${callPid}/stat`, 'utf8')).split(') ')[1]?.split(' ')[1] ?? '0',
    );
    leftovers.push(helperPid);
    parent.kill('SIGKILL');
    await until(gone(helperPid), `the helper ${helperPid} to end`);
    await until(gone(callPid), `the call ${callPid} to end`);
    expect([isProcessAlive(helperPid), isProcessAlive(callPid)]).toEqual([false, false]);
  });

  it('close ends an idle helper, and a later call starts a fresh one', async () => {
    const h = helper();
    expect((await h.call(['exit', '0'], 60_000))?.exitCode).toBe(0);
    await h.close();
    expect((await h.call(['exit', '5'], 60_000))?.exitCode).toBe(5);
  });
});

const realBin = findSpecKitty();

describe.skipIf(!realBin)('the helper with the real spec-kitty', () => {
  it('answers like the spec-kitty CLI itself, from a forked child', async () => {
    const bin = realBin!;
    const python = await consoleScriptPython(bin);
    expect(python).not.toBeNull();
    const env = { ...specKittyEnv(bin, dir), ...HEADLESS_ENV };
    const h = startSpecKittyHelper({ python: python!, script: bin, cwd: dir, env });
    helpers.push(h);
    const [contract, version] = await Promise.all([
      h.call(['orchestrator-api', 'contract-version'], 120_000),
      h.call(['--version'], 120_000),
    ]);
    expect(contract).toMatchObject({ exitCode: 0, stoppedBy: null });
    // Only an answer from the helper carries the child's CPU time.
    expect(contract?.cpuMs).toEqual(expect.any(Number));
    expect(JSON.parse(contract?.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      command: 'orchestrator-api.contract-version',
      success: true,
      data: { api_version: expect.stringMatching(/^1\./) as unknown },
    });
    const own = execFileSync(bin, ['--version'], { cwd: dir, env, encoding: 'utf8' });
    expect(version?.stdout).toBe(own);
  });
});
