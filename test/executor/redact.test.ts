import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/executor/run-process.js';
import { createRedactor } from '../../src/redact.js';

const SECRET = 'sk-live-0123456789abcdef';
let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('secret redaction', () => {
  it('blanks values of secret-named variables and extra secrets, longest first', () => {
    const redact = createRedactor({ OPENAI_API_KEY: SECRET, HOME: '/root/home/dir', GH_TOKEN: 'ghp_short' }, [
      `${SECRET}-extended`,
    ]);
    expect(redact(`key=${SECRET} and ${SECRET}-extended`)).toBe('key=*** and ***');
    expect(redact('home is /root/home/dir')).toBe('home is /root/home/dir');
    expect(redact('ghp_short')).toBe('***');
  });

  it('never writes a secret to the agent log, even split across output chunks; onSpawn gets the pid', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-redact-'));
    const logFile = path.join(dir, 'agent.log');
    const half = SECRET.length / 2;
    const script = `process.stdout.write(${JSON.stringify(`token ${SECRET.slice(0, half)}`)});
      setTimeout(() => { process.stdout.write(${JSON.stringify(`${SECRET.slice(half)} done\n`)}); }, 100);`;
    const lines: string[] = [];
    let spawned = 0;
    const outcome = await runProcess({
      argv: [process.execPath, '-e', script],
      cwd: dir,
      wallTimeoutMs: 10_000,
      inactivityTimeoutMs: 10_000,
      logFile,
      redact: createRedactor({ ANTHROPIC_API_KEY: SECRET }),
      onLine: (line) => lines.push(line),
      onSpawn: (pid) => (spawned = pid),
    });
    expect(outcome.exitCode).toBe(0);
    expect(spawned).toBeGreaterThan(1);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('token *** done');
    expect(log).not.toContain(SECRET);
    expect(lines).toEqual(['token *** done']);
  });
});
