import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/executor/process-tree.js';
import { createProcessRunner } from '../../src/executor/run-process.js';
import { pidIn, until } from '../helpers/until.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const node = (script: string): string[] => [process.execPath, '-e', script];
const leftovers: number[] = [];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kitty-supervise-'));
});
afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('agents end with the orchestrator', () => {
  it('an agent dies within seconds of its orchestrator being killed with SIGKILL', async () => {
    const pidFile = join(dir, 'agent.pid');
    const agent = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const orchestrator = `
      import { createProcessRunner } from ${JSON.stringify(join(ROOT, 'src/executor/run-process.ts'))};
      await createProcessRunner({ supervise: true })({
        argv: ${JSON.stringify(node(agent))}, cwd: ${JSON.stringify(dir)},
        wallTimeoutMs: 600000, inactivityTimeoutMs: 600000,
      });`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', orchestrator], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const agentPid = await until(pidIn(pidFile), 'the agent to start');
    leftovers.push(agentPid);
    parent.kill('SIGKILL');
    await until(() => (isProcessAlive(agentPid) ? null : true), `agent ${agentPid} to end`);
    expect(isProcessAlive(agentPid)).toBe(false);
  });

  it('a process that left the group with setsid is stopped when the attempt ends', async () => {
    const pidFile = join(dir, 'escaped.pid');
    const escapee = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const agent = `
      const gc = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(escapee)}],
        { detached: true, stdio: 'ignore' });
      gc.unref();
      const wait = () => require('fs').existsSync(${JSON.stringify(pidFile)}) ? process.exit(0) : setTimeout(wait, 20);
      wait();`;
    const run = createProcessRunner({ supervise: true });
    const out = await run({
      argv: node(agent),
      cwd: dir,
      sweepDir: dir,
      wallTimeoutMs: 60_000,
      inactivityTimeoutMs: 60_000,
    });
    expect(out.exitCode).toBe(0);
    const escaped = (await pidIn(pidFile)())!;
    leftovers.push(escaped);
    expect(isProcessAlive(escaped)).toBe(false);
  });

  it('reports a missing executable under the supervisor as exit 127 naming it', async () => {
    const run = createProcessRunner({ supervise: true });
    const out = await run({
      argv: ['kitty-no-such-cli'],
      cwd: dir,
      wallTimeoutMs: 60_000,
      inactivityTimeoutMs: 60_000,
    });
    expect(out.exitCode).toBe(127);
    expect(out.stderr).toContain('cannot run kitty-no-such-cli: executable not found');
  });

  it('passes on the agent’s exit code, output and signal', async () => {
    const run = createProcessRunner({ supervise: true });
    const opts = { cwd: dir, wallTimeoutMs: 60_000, inactivityTimeoutMs: 60_000 };
    const ok = await run({ ...opts, argv: node("console.log('hi'); process.exit(3)") });
    expect(ok).toMatchObject({ exitCode: 3, stdout: 'hi\n' });
    const killed = await run({ ...opts, argv: node("process.kill(process.pid, 'SIGKILL')") });
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });
});
