/**
 * The live view as a user sees it: the real CLI (`demo`, the sim agent in a throwaway repo) in a real
 * pseudo-terminal. tmux gives a screen to read back; without tmux, `script` gives a pty whose raw output is
 * cut into frames. Both runs start at once to keep the wall time down.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/report/format.js';
import { readStatus } from '../../src/state/read-status.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FEATURE = '001-checkout-flow';
const COLUMNS = 100;
const ROWS = 30;

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** KITTY_TEST_PTY=script tries the fallback on a machine that has tmux. */
const preferred = process.env.KITTY_TEST_PTY;
const DRIVER = [preferred, 'tmux', 'script'].find((d) => (d === 'tmux' || d === 'script') && has(d)) ?? null;
if (!DRIVER) {
  console.warn('live-view test skipped: neither tmux nor script is installed (apt-get install -y tmux)');
}

/** A CLI run in a pseudo-terminal. */
interface Terminal {
  /** What the terminal shows now (tmux), or the last frame drawn (script); plain text. */
  screen(): string;
  /** Everything printed so far, plain text. */
  history(): string;
  interrupt(): void;
  /** The CLI's exit code, once it has ended. */
  exitCode(): Promise<number>;
  dispose(): void;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The CLI as one node process, as the installed bin runs it: `npx tsx` would add two wrappers, and tsx relays
 * SIGINT to its child on top of the terminal's own, so one Ctrl+C would arrive twice.
 */
const cli = (args: string[]) => ['node', '--import', 'tsx', 'src/cli/main.ts', ...args];

const RECORD_EXIT = path.join(ROOT, 'test/helpers/record-exit.ts');

function tmuxTerminal(args: string[], dir: string): Terminal {
  const socket = `kitty-live-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const statusFile = path.join(dir, `${socket}.exit`);
  const tmux = (...a: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
  // Several arguments: tmux runs the command itself, no shell in between to catch the Ctrl+C.
  tmux(
    'new-session',
    '-d',
    '-s',
    'kitty',
    '-x',
    String(COLUMNS),
    '-y',
    String(ROWS),
    '-c',
    ROOT,
    'node',
    '--import',
    'tsx',
    RECORD_EXIT,
    statusFile,
    ...cli(args),
  );
  // Keep the pane after the CLI ends, to read its last screen.
  tmux('set-option', '-t', 'kitty', 'remain-on-exit', 'on');
  return {
    // -J joins wrapped lines: a line longer than the pane is one the live view let wrap.
    screen: () => tmux('capture-pane', '-p', '-J', '-t', 'kitty'),
    history: () => tmux('capture-pane', '-p', '-J', '-t', 'kitty', '-S', '-'),
    interrupt: () => void tmux('send-keys', '-t', 'kitty', 'C-c'),
    exitCode: async () => {
      for (;;) {
        const status = await readFile(statusFile, 'utf8').catch(() => '');
        if (status.endsWith('\n')) return Number(status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    dispose: () => void tmux('kill-server'),
  };
}

function scriptTerminal(args: string[]): Terminal {
  const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${cli(args).map(shellQuote).join(' ')}`;
  const child: ChildProcess = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
  let raw = '';
  // The pty turns each \n into \r\n.
  child.stdout?.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8').replace(/\r\n/g, '\n')));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  // log-update erases the previous frame line by line (ESC[2K); what follows the last erase is the frame.
  const frames = () => raw.split('\u001b[2K');
  return {
    screen: () => stripAnsi(frames().at(-1) ?? ''),
    history: () => stripAnsi(raw),
    interrupt: () => void child.stdin?.write('\u0003'),
    exitCode: () => exited,
    dispose: () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/** Poll the screen until `done` says so; throws with the screen when it never does. */
async function waitForScreen(
  term: Terminal,
  what: string,
  done: (screen: string) => boolean,
): Promise<string> {
  const deadline = Date.now() + 75_000;
  for (;;) {
    const screen = term.screen();
    if (done(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`never saw ${what}; the screen was:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The done count and WP rows of the last table on a screen. */
function lastTable(screen: string): { done: number; rows: string[] } {
  const counts = [...screen.matchAll(/^(\d+)\/8 done/gm)];
  const rows = screen.split('\n').filter((line) => /^WP0\d {2}/.test(line));
  return { done: Number(counts.at(-1)?.[1] ?? -1), rows: rows.slice(-8) };
}

const ACTIVE = /^WP0\d {2}(in_progress|for_review|in_review|claimed)/m;

describe.skipIf(!DRIVER)(`live view in a pseudo-terminal (${DRIVER ?? 'none'})`, () => {
  let dir: string;
  let full: Terminal;
  let interrupted: Terminal;
  const open = (args: string[]) => (DRIVER === 'tmux' ? tmuxTerminal(args, dir) : scriptTerminal(args));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-live-'));
    full = open(['demo', '--dir', path.join(dir, 'full'), '--duration-ms', '200']);
    // Slow agents (the whole run would take minutes), so Ctrl+C lands while they work, whenever it comes.
    interrupted = open(['demo', '--dir', path.join(dir, 'stop'), '--duration-ms', '10000']);
  });

  afterAll(async () => {
    full?.dispose();
    interrupted?.dispose();
    // A run killed mid-way leaves agents (own process groups) finishing their last write: retry a little.
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it('redraws the table in place as WPs move through their lanes, then prints the summary', async () => {
    const live = (s: string) => s.includes(`${FEATURE}  running`) && lastTable(s).rows.length === 8;
    const first = await waitForScreen(full, 'a WP at work', (s) => live(s) && ACTIVE.test(s));
    const before = lastTable(first);
    const later = await waitForScreen(
      full,
      'more WPs done',
      (s) => live(s) && lastTable(s).done > before.done,
    );
    expect(lastTable(later).rows).not.toEqual(before.rows);
    for (const line of later.split('\n')) expect(line.length).toBeLessThanOrEqual(COLUMNS);

    expect(await full.exitCode()).toBe(0);
    const history = full.history();
    expect(history).toContain(`${FEATURE}  completed in`);
    expect(history).toMatch(/Next {2}review each WP branch/);
  }, 90_000);

  it('stops on one Ctrl+C: a resume hint, a non-zero exit, and the run saved as paused', async () => {
    // Wait until every WP at work shows its agent's output: Ctrl+C then lands on agents, not on git.
    await waitForScreen(interrupted, 'agents at work', (s) => {
      const active = lastTable(s).rows.filter((row) => ACTIVE.test(row));
      return active.length > 0 && active.every((row) => row.includes('sim: '));
    });
    interrupted.interrupt();
    expect(await interrupted.exitCode()).not.toBe(0);
    expect(interrupted.history()).toContain(`kitty-orchestrator resume --feature ${FEATURE}`);
    const run = await readStatus({ repoDir: path.join(dir, 'stop'), feature: FEATURE });
    expect(run?.status).toBe('paused');
    expect(run?.wpsFailed).toBe(0);
    expect(run?.wpsCompleted).toBeLessThan(8);
  }, 90_000);
});
