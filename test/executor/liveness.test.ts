// The executor's liveness watch with the agents' own line judge: an attempt that only waits for its provider is
// stopped as `network_wait` at the limit, and waiting lines never keep the inactivity timer alive.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineKind } from '../../src/agents/liveness.js';
import { runProcess } from '../../src/executor/run-process.js';
import type { LivenessWatch, RunProcessOptions } from '../../src/executor/types.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'kitty-liveness-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const RECONNECT = JSON.stringify({ type: 'error', message: 'Reconnecting... waiting for network' });
const WORK = JSON.stringify({ type: 'item.completed', item: { type: 'agent_message', text: 'done' } });

/** A node script printing `first` lines, then `line` every 50 ms forever (or exiting after `exitAfter`). */
const printer = (first: string[], line: string | null, exitAfter?: number): string[] => [
  process.execPath,
  '-e',
  `for (const l of ${JSON.stringify(first)}) console.log(l);
   let n = 0;
   setInterval(() => { ${line === null ? '' : `console.log(${JSON.stringify(line)});`}
     if (${exitAfter ?? -1} >= 0 && ++n >= ${exitAfter ?? -1}) process.exit(0); }, 50);`,
];

const watch = (more: Partial<LivenessWatch> = {}): LivenessWatch => ({
  kind: lineKind,
  waitLimitMs: 400,
  silenceIsWaiting: false,
  ...more,
});

const run = (argv: string[], more: Partial<RunProcessOptions>) =>
  runProcess({ argv, cwd, wallTimeoutMs: 60_000, inactivityTimeoutMs: 60_000, killGraceMs: 300, ...more });

describe('liveness watch', () => {
  it('stops an attempt that prints only reconnect notices as network_wait', async () => {
    const out = await run(printer(['{"type":"thread.started"}'], RECONNECT), { liveness: watch() });
    expect(out.stoppedBy).toBe('network_wait');
    expect(out.stdout).toContain('Reconnecting');
  });

  it('a streaming CLI that prints nothing waits for its provider; a final-answer CLI may be thinking', async () => {
    const silent = printer([], null);
    const streaming = await run(silent, { liveness: watch({ silenceIsWaiting: true }) });
    expect(streaming.stoppedBy).toBe('network_wait');
    const final = await run(silent, { liveness: watch(), inactivityTimeoutMs: 1_500 });
    expect(final.stoppedBy).toBe('inactivity_timeout');
  });

  it('reconnect notices do not count as activity: the inactivity timer still fires', async () => {
    // The wait limit is out of reach, so only the inactivity timer can stop it.
    const out = await run(printer([WORK], RECONNECT), {
      liveness: watch({ waitLimitMs: 60_000 }),
      inactivityTimeoutMs: 600,
    });
    expect(out.stoppedBy).toBe('inactivity_timeout');
  });

  it('an attempt that showed progress is never stopped as network_wait', async () => {
    const out = await run(printer([WORK], RECONNECT, 20), { liveness: watch({ waitLimitMs: 100 }) });
    expect(out).toMatchObject({ stoppedBy: null, exitCode: 0 });
  });

  it('without a watch every output line is activity, reconnect notices too', async () => {
    const out = await run(printer([], RECONNECT, 20), { inactivityTimeoutMs: 600 });
    expect(out).toMatchObject({ stoppedBy: null, exitCode: 0 });
  });
});
