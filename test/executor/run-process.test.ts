import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { childEnv, createProcessRunner, runProcess } from '../../src/executor/run-process.js';
import { killAllChildren, liveProcessGroups } from '../../src/executor/process-tree.js';
import type { RunProcessOptions } from '../../src/executor/types.js';

const node = (script: string): string[] => [process.execPath, '-e', script];

/** A script line that starts a grandchild running `script`, with the given stdio and grouping. */
const spawnGrandchild = (script: string, opts = "{ stdio: 'inherit' }"): string =>
  `const gc = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(script)}], ${opts});`;

/**
 * Gone = no such process, or a zombie: where PID 1 does not reap orphans (containers, micro-VMs) a killed
 * grandchild lingers as a zombie, which holds no resources and runs no code.
 */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

let dir: string;
let cwd: string;
const started: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kitty-exec-'));
  cwd = dir;
});

afterEach(async () => {
  // Belt and braces: a failing test must not leave sleepers behind.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

const base = (argv: string[], more: Partial<RunProcessOptions> = {}): RunProcessOptions => ({
  argv,
  cwd,
  wallTimeoutMs: 20_000,
  inactivityTimeoutMs: 20_000,
  killGraceMs: 300,
  ...more,
});

/** Collects lines and resolves `waitFor(n)` once `n` lines mention `marker`. */
function lineCollector() {
  const lines: { line: string; stream: string }[] = [];
  const waiters: { marker: string; count: number; resolve: () => void }[] = [];
  const seen = (marker: string) => lines.filter((l) => l.line.includes(marker)).length;
  return {
    lines,
    onLine: (line: string, stream: 'stdout' | 'stderr') => {
      lines.push({ line, stream });
      for (const w of waiters) if (seen(w.marker) >= w.count) w.resolve();
    },
    waitFor: (marker: string, count = 1) =>
      new Promise<void>((resolve) => {
        if (seen(marker) >= count) resolve();
        else waiters.push({ marker, count, resolve });
      }),
  };
}

describe('runProcess', () => {
  it('captures stdout and stderr and appends them to the log with a header and footer', async () => {
    const logFile = join(dir, 'logs', 'nested', 'attempt.log');
    const out = await runProcess(
      base(node("console.log('to stdout'); console.error('to stderr'); process.exit(3)"), { logFile }),
    );
    expect(out).toMatchObject({ exitCode: 3, signal: null, stoppedBy: null });
    expect(out.stdout).toBe('to stdout\n');
    expect(out.stderr).toBe('to stderr\n');
    const log = await readFile(logFile, 'utf8');
    expect(log).toMatch(/^=== \S+ start: .*node -e .*\(cwd: /);
    expect(log).toContain('to stdout\n');
    expect(log).toContain('to stderr\n');
    expect(log).toMatch(/=== \S+ end: exit 3 after \d+ ms\n$/);

    await runProcess(base(node("console.log('second')"), { logFile }));
    const twice = await readFile(logFile, 'utf8');
    expect(twice.startsWith(log)).toBe(true);
    expect(twice).toContain('second\n');
  });

  it('shortens long arguments in the log header', async () => {
    const logFile = join(dir, 'a.log');
    const prompt = 'x'.repeat(5000);
    await runProcess(base([...node('0'), prompt], { logFile }));
    const header = (await readFile(logFile, 'utf8')).split('\n')[0]!;
    expect(header).toContain('(5000 chars)');
    expect(header.length).toBeLessThan(600);
  });

  it('delivers stdin and closes it', async () => {
    const script =
      "let s=''; process.stdin.on('data', d => s += d).on('end', () => console.log(s.toUpperCase()))";
    const out = await runProcess(base(node(script), { stdin: 'hello prompt' }));
    expect(out.stdout).toBe('HELLO PROMPT\n');
    expect(out.exitCode).toBe(0);
  });

  it('gives the child no stdin when stdin is null', async () => {
    const script =
      "let n=0; process.stdin.on('data', d => n += d.length).on('end', () => console.log('eof', n))";
    const out = await runProcess(base(node(script), { stdin: null }));
    expect(out.stdout).toBe('eof 0\n');
  });

  it('passes env additions and drops runner-only variables', async () => {
    const script = 'console.log(process.env.KITTY_TEST_ADDED, process.env.ACTIONS_RUNTIME_TOKEN ?? "none")';
    const runner = createProcessRunner({ baseEnv: { ...process.env, ACTIONS_RUNTIME_TOKEN: 'secret' } });
    const out = await runner(base(node(script), { env: { KITTY_TEST_ADDED: 'yes' } }));
    expect(out.stdout).toBe('yes none\n');
    const env = childEnv({ PATH: '/bin', INPUT_GITHUB_TOKEN: 't', ANTHROPIC_API_KEY: 'k' }, { A: '1' });
    expect(env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', A: '1' });
  });

  // The timeout tests use sh, not node: sh starts in milliseconds even on a loaded machine, so the output the
  // tests rely on arrives long before a timer that started at spawn can fire.
  it('stops a process that outlives the wall-clock timeout', async () => {
    const out = await runProcess(
      base(['sh', '-c', 'while :; do echo tick; sleep 0.05; done'], { wallTimeoutMs: 400 }),
    );
    expect(out.stoppedBy).toBe('wall_timeout');
    expect(out.signal).toBe('SIGTERM');
    expect(out.exitCode).toBeNull();
  });

  it('stops a process that prints and then goes silent (inactivity timeout)', async () => {
    const out = await runProcess(
      base(['sh', '-c', 'echo working...; sleep 60'], { inactivityTimeoutMs: 500 }),
    );
    expect(out.stoppedBy).toBe('inactivity_timeout');
    expect(out.stdout).toBe('working...\n');
  });

  it('does not count a chatty process as inactive', async () => {
    // Runs about three inactivity windows long, printing every 50 ms: only a reset on output lets it finish.
    const script = 'i=0; while [ $i -lt 30 ]; do echo $i; i=$((i+1)); sleep 0.05; done';
    const out = await runProcess(base(['sh', '-c', script], { inactivityTimeoutMs: 500 }));
    expect(out.stoppedBy).toBeNull();
    expect(out.exitCode).toBe(0);
    expect(out.stdout.split('\n')).toHaveLength(31);
  });

  it('stops on abort, and does not start at all when already aborted', async () => {
    const lines = lineCollector();
    const controller = new AbortController();
    const running = runProcess(
      base(node("console.log('up'); setTimeout(() => {}, 60_000)"), {
        signal: controller.signal,
        onLine: lines.onLine,
      }),
    );
    await lines.waitFor('up');
    controller.abort();
    const out = await running;
    expect(out.stoppedBy).toBe('abort');
    expect(out.signal).toBe('SIGTERM');

    const logFile = join(dir, 'aborted.log');
    const early = await runProcess(
      base(node("require('fs').writeFileSync('ran', '')"), { signal: AbortSignal.abort(), logFile }),
    );
    expect(early).toMatchObject({ stoppedBy: 'abort', exitCode: null });
    await expect(readFile(join(cwd, 'ran'))).rejects.toThrow();
    expect(await readFile(logFile, 'utf8')).toContain('not started: aborted');
  });

  it('kills a SIGTERM-ignoring child and its SIGTERM-ignoring grandchild', async () => {
    const stubborn =
      "process.on('SIGTERM', () => {}); console.log('gc-ready', process.pid); setInterval(() => {}, 1000);";
    const script = `process.on('SIGTERM', () => {}); ${spawnGrandchild(stubborn)} console.log('child-ready', process.pid);
      setInterval(() => {}, 1000);`;
    const lines = lineCollector();
    const controller = new AbortController();
    const running = runProcess(base(node(script), { signal: controller.signal, onLine: lines.onLine }));
    await Promise.all([lines.waitFor('gc-ready'), lines.waitFor('child-ready')]);
    const pids = lines.lines.map((l) => Number(l.line.split(' ')[1]));
    started.push(...pids);
    expect(pids.every((pid) => !isGone(pid))).toBe(true);
    controller.abort();
    const out = await running;
    expect(out).toMatchObject({ stoppedBy: 'abort', signal: 'SIGKILL', exitCode: null });
    expect(pids.map(isGone)).toEqual([true, true]);
    // A hang guard, not a measurement: grace is 300 ms; anything near the sleepers' lifetime is a hang.
    expect(out.durationMs).toBeLessThan(15_000);
  });

  it('stops what a child left running in its group when it exits by itself', async () => {
    const sleeper = 'setInterval(() => {}, 1000);';
    const script = `${spawnGrandchild(sleeper)} console.log('gc', gc.pid); setTimeout(() => process.exit(0), 300);`;
    const lines = lineCollector();
    const logFile = join(dir, 'left.log');
    const out = await runProcess(base(node(script), { onLine: lines.onLine, logFile }));
    const gc = Number(lines.lines[0]!.line.split(' ')[1]);
    started.push(gc);
    expect(out).toMatchObject({ exitCode: 0, stoppedBy: null });
    expect(isGone(gc)).toBe(true);
    expect(await readFile(logFile, 'utf8')).toContain('stopped processes the child left in its group');
  });

  it('does not hang on a grandchild outside the group that holds stdout open', async () => {
    const sleeper = 'setTimeout(() => {}, 60_000);';
    const script = `${spawnGrandchild(sleeper, "{ stdio: 'inherit', detached: true }")}
      console.log('escaped', gc.pid); setTimeout(() => process.exit(0), 300);`;
    const lines = lineCollector();
    const runner = createProcessRunner({ stdioCloseTimeoutMs: 200 });
    const out = await runner(base(node(script), { onLine: lines.onLine }));
    const gc = Number(lines.lines[0]!.line.split(' ')[1]);
    started.push(gc);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('escaped');
  });

  it('still runs the process when the log file cannot be written, and says so', async () => {
    const logFile = join(dir, 'not-a-dir', 'a.log');
    await writeFile(join(dir, 'not-a-dir'), 'a file where a directory should be');
    const out = await runProcess(base(node("console.log('ran')"), { logFile }));
    expect(out.stdout).toBe('ran\n');
    expect(out.stderr).toContain(`cannot write log ${logFile}`);
  });

  it('reports a missing executable as exit code 127 naming it', async () => {
    const logFile = join(dir, 'missing.log');
    const out = await runProcess(base(['kitty-no-such-agent-cli', '-p', 'x'], { logFile }));
    expect(out).toMatchObject({ exitCode: 127, signal: null, stoppedBy: null, stdout: '' });
    expect(out.stderr).toContain('kitty-no-such-agent-cli');
    expect(await readFile(logFile, 'utf8')).toMatch(/end: exit 127/);
  });

  it('rejects a missing working directory and an empty argv', async () => {
    await expect(runProcess(base(node('0'), { cwd: join(dir, 'nope') }))).rejects.toThrow(KittyError);
    await expect(runProcess(base([]))).rejects.toThrow(/argv is empty/);
  });

  it('keeps only the tail of big output in memory, and all of it in the log', async () => {
    const logFile = join(dir, 'big.log');
    const runner = createProcessRunner({ maxCapturedChars: 1000 });
    const script =
      "for (let i = 0; i < 5000; i++) console.log('line ' + String(i).padStart(5, '0')); console.log('THE END')";
    const out = await runner(base(node(script), { logFile }));
    const [note, ...rest] = out.stdout.split('\n');
    expect(note).toMatch(
      /^\[kitty-orchestrator: first \d+ characters of stdout dropped; the full output is in /,
    );
    expect(rest.join('\n').length).toBe(1000);
    expect(out.stdout.endsWith('THE END\n')).toBe(true);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('line 00000\n');
    expect(log).toContain('line 04999\n');
  });

  it('hands complete lines to onLine in order and flushes the last partial line', async () => {
    const script =
      "process.stdout.write('one\\ntw'); setTimeout(() => { process.stdout.write('o\\r\\nthree'); console.error('err line'); }, 50)";
    const lines = lineCollector();
    await runProcess(base(node(script), { onLine: lines.onLine }));
    expect(lines.lines.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(lines.lines.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['err line']);
  });

  it('survives an onLine callback that throws', async () => {
    const out = await runProcess(
      base(node("console.log('a'); console.log('b')"), {
        onLine: () => {
          throw new Error('display bug');
        },
      }),
    );
    expect(out.stdout).toBe('a\nb\n');
  });

  it('registers live groups so killAllChildren can stop them', async () => {
    const lines = lineCollector();
    const running = runProcess(
      base(node("console.log('up'); setInterval(() => {}, 1000)"), {
        onLine: lines.onLine,
        killGraceMs: 60_000,
      }),
    );
    await lines.waitFor('up');
    expect(liveProcessGroups()).toHaveLength(1);
    expect(killAllChildren()).toBe(1);
    const out = await running;
    expect(out.signal).toBe('SIGKILL');
    expect(liveProcessGroups()).toEqual([]);
  });
});
