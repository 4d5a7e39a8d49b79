/**
 * The live view as a user sees it: the real CLI (`demo`, the sim agent in a throwaway repo) in a real
 * pseudo-terminal. tmux gives a screen to read back; without tmux, `script` gives a pty whose raw output is
 * cut into frames. Both runs start at once to keep the wall time down.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/report/format.js';
import { readStatus } from '../../src/state/file-store.js';

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

const DRIVER = has('tmux') ? 'tmux' : has('script') ? 'script' : null;
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

/** bash, not sh: it goes on to record the exit code when its child handled Ctrl+C itself. */
function wrapped(args: string[], exitFile: string): string {
  const cli = ['npx', 'tsx', 'src/cli/main.ts', ...args].map(shellQuote).join(' ');
  return `cd ${shellQuote(ROOT)} && ${cli}; echo $? > ${shellQuote(exitFile)}`;
}

async function waitForFile(file: string): Promise<string> {
  for (;;) {
    if (existsSync(file)) {
      const text = (await readFile(file, 'utf8')).trim();
      if (text !== '') return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tmuxTerminal(args: string[], exitFile: string): Terminal {
  const socket = `kitty-live-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
  const command = `bash -c ${shellQuote(wrapped(args, exitFile))}`;
  tmux('new-session', '-d', '-s', 'kitty', '-x', String(COLUMNS), '-y', String(ROWS), command);
  // Keep the pane after the CLI ends so its last screen can still be read.
  tmux('set-option', '-t', 'kitty', 'remain-on-exit', 'on');
  return {
    screen: () => tmux('capture-pane', '-p', '-t', 'kitty'),
    history: () => tmux('capture-pane', '-p', '-t', 'kitty', '-S', '-', '-J'),
    interrupt: () => void tmux('send-keys', '-t', 'kitty', 'C-c'),
    exitCode: async () => Number(await waitForFile(exitFile)),
    dispose: () => void tmux('kill-server'),
  };
}

function scriptTerminal(args: string[], exitFile: string): Terminal {
  const command = `stty cols ${COLUMNS} rows ${ROWS}; ${wrapped(args, exitFile)}`;
  const child: ChildProcess = spawn('script', ['-q', '-f', '-e', '-c', `bash -c ${shellQuote(command)}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
  let raw = '';
  child.stdout?.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  // log-update erases the previous frame line by line (ESC[2K); what follows the last erase is the frame.
  const frames = () => raw.split('\u001b[2K');
  return {
    screen: () => stripAnsi(frames().at(-1) ?? ''),
    history: () => stripAnsi(raw),
    interrupt: () => void child.stdin?.write('\u0003'),
    exitCode: async () => Number(await waitForFile(exitFile)),
    dispose: () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/** Poll the screen until `done` says so; throws with the screen when it never does. */
async function waitForScreen(term: Terminal, what: string, done: (screen: string) => boolean): Promise<string> {
  const deadline = Date.now() + 60_000;
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
  const rows = screen.split('\n').filter((line) => /^WP0\d  /.test(line));
  return { done: Number(counts.at(-1)?.[1] ?? -1), rows: rows.slice(-8) };
}

const ACTIVE = /^WP0\d  (in_progress|for_review|in_review|claimed)/m;

describe.skipIf(!DRIVER)(`live view in a pseudo-terminal (${DRIVER ?? 'none'})`, () => {
  let dir: string;
  let full: Terminal;
  let interrupted: Terminal;
  const open = (args: string[], exitFile: string) =>
    DRIVER === 'tmux' ? tmuxTerminal(args, exitFile) : scriptTerminal(args, exitFile);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-live-'));
    full = open(['demo', '--dir', path.join(dir, 'full'), '--duration-ms', '400'], path.join(dir, 'full.exit'));
    // Slow agents, so Ctrl+C lands while they work.
    interrupted = open(['demo', '--dir', path.join(dir, 'stop'), '--duration-ms', '4000'], path.join(dir, 'stop.exit'));
  });

  afterAll(async () => {
    full?.dispose();
    interrupted?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('redraws the table in place as WPs move through their lanes, then prints the summary', async () => {
    const first = await waitForScreen(full, 'a WP at work', (s) => ACTIVE.test(s) && lastTable(s).rows.length === 8);
    const before = lastTable(first);
    const later = await waitForScreen(full, 'more WPs done', (s) => lastTable(s).done > before.done);
    const after = lastTable(later);
    expect(after.rows).toHaveLength(8);
    expect(after.rows).not.toEqual(before.rows);
    for (const line of later.split('\n')) expect(line.length).toBeLessThanOrEqual(COLUMNS);

    expect(await full.exitCode()).toBe(0);
    const history = full.history();
    expect(history).toContain(`${FEATURE}  completed in`);
    expect(history).toMatch(/Next {2}review each WP branch/);
  });

  it('stops on one Ctrl+C: a resume hint, a non-zero exit, and the run saved as paused', async () => {
    await waitForScreen(interrupted, 'a WP at work', (s) => ACTIVE.test(s));
    interrupted.interrupt();
    const code = await interrupted.exitCode();
    expect(code).not.toBe(0);
    const history = interrupted.history();
    expect(history).toContain(`kitty-orchestrator resume --feature ${FEATURE}`);
    const run = await readStatus({ repoDir: path.join(dir, 'stop'), feature: FEATURE });
    expect(run?.status).toBe('paused');
    expect(run?.wpsCompleted).toBeLessThan(8);
  });
});
