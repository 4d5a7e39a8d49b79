import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { open } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { childEnv } from '../executor/run-process.js';
import { registerGroup, terminateGroup, unregisterGroup } from '../executor/process-tree.js';
import { onLines } from '../executor/stream-lines.js';
import type { ProcessOutcome } from '../executor/types.js';
import { ZYGOTE_SOURCE } from './spec-kitty-zygote.js';

/**
 * The Node side of the spec-kitty helper (see spec-kitty-zygote.ts): one long-lived Python process that has
 * imported spec-kitty once and forks a child per call, so a call costs a fork instead of ~1.4 s of start-up.
 * It leads its own process group (stopped as one, SIGTERM then SIGKILL), exits by itself when its stdin closes
 * (so a SIGKILLed orchestrator leaves nothing behind), and never keeps Node alive while idle.
 */
export interface SpecKittyHelper {
  /**
   * Runs `spec-kitty <argv>` in a forked child; a call past `timeoutMs` stops the helper (the next call starts
   * a new one). Null when the helper cannot work here (it died before it was ready): spawn per call instead.
   */
  call(argv: readonly string[], timeoutMs: number): Promise<HelperOutcome | null>;
  /** Closes stdin, then stops the group if it lingers. */
  close(): Promise<void>;
}

export interface HelperOptions {
  /** The interpreter the console script's shebang names. */
  python: string;
  /** The `spec-kitty` console script (a Python file). */
  script: string;
  cwd: string;
  /** The environment every call runs in (already complete). */
  env: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL when the helper is stopped. */
  killGraceMs?: number;
}

/** A pending call. */
interface Waiter {
  resolve: (outcome: HelperOutcome) => void;
  started: number;
  timer: NodeJS.Timeout;
}

/** The answer line for one call. */
interface Answer {
  id: number;
  exit: number | null;
  signal: number | null;
  stdout: string;
  stderr: string;
  cpu_ms?: number;
}

/** A call's outcome, with the CPU time its child used (user + system), when the helper ran it. */
export type HelperOutcome = ProcessOutcome & { cpuMs?: number };

const SHEBANG_BYTES = 512;
const STDERR_TAIL = 2000;

/**
 * The interpreter of a pip/pipx/uv console script (`#!/abs/path/python3.11` then Python), or null when `bin`
 * is anything else (a shell wrapper, a binary, `#!/usr/bin/env python`): then calls spawn `bin` as before.
 */
export async function consoleScriptPython(bin: string): Promise<string | null> {
  let head = '';
  try {
    const file = await open(bin, 'r');
    try {
      const { bytesRead, buffer } = await file.read(Buffer.alloc(SHEBANG_BYTES), 0, SHEBANG_BYTES, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
  const match = /^#!(\S+)\s*\n/.exec(head);
  const python = match?.[1];
  if (python === undefined || !path.isAbsolute(python)) return null;
  return /^python[0-9.]*$/.test(path.basename(python)) && /\bimport\b/.test(head) ? python : null;
}

export function startSpecKittyHelper(options: HelperOptions): SpecKittyHelper {
  let current: HelperProcess | null = null;
  let unusable = false;
  let nextId = 1;
  const live = () => (current?.usable ? current : (current = new HelperProcess(options)));
  return {
    call: async (argv, timeoutMs) => {
      if (unusable) return null;
      const helper = live();
      const outcome = await helper.call(nextId++, argv, timeoutMs);
      if (helper.exited && !helper.ready && outcome.stoppedBy === null) unusable = true;
      return unusable ? null : outcome;
    },
    close: async () => {
      await current?.close();
    },
  };
}

/** One helper process, from spawn to exit. Calls pending when it dies end as failed calls (never retried). */
class HelperProcess {
  exited = false;
  /** Being stopped (a call timed out): new calls go to a new helper. */
  private retired = false;
  /** It said `{"ready": true}`: spec-kitty's CLI imported (or at least the interpreter runs our loop). */
  ready = false;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Map<number, Waiter>();
  private readonly gone: Promise<void>;
  private stderrTail = '';

  constructor(private readonly options: HelperOptions) {
    this.child = spawn(options.python, ['-c', ZYGOTE_SOURCE, options.script], {
      cwd: options.cwd,
      env: childEnv(options.env),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const pid = this.child.pid;
    if (pid !== undefined) registerGroup(pid);
    onLines(this.child.stdout, (line) => this.onLine(line));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.child.stdin.on('error', () => undefined);
    this.gone = new Promise((resolve) => {
      this.child.on('error', (error) =>
        this.onExit(`cannot start ${options.python}: ${errorMessage(error)}`),
      );
      this.child.on('close', (code, signal) => {
        this.onExit(`exited (${signal ?? `code ${String(code)}`})`);
        resolve();
      });
    });
    this.idle();
  }

  get usable(): boolean {
    return !this.exited && !this.retired;
  }

  call(id: number, argv: readonly string[], timeoutMs: number): Promise<HelperOutcome> {
    if (this.exited) return Promise.resolve(failed('the spec-kitty helper is gone', 0));
    this.busy();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.onTimeout(id), timeoutMs);
      this.waiters.set(id, { resolve, started: Date.now(), timer });
      this.child.stdin.write(`${JSON.stringify({ id, argv, cwd: this.options.cwd })}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.busy();
    this.child.stdin.end();
    const timeout = new Promise<'late'>((resolve) => setTimeout(resolve, 5000, 'late').unref());
    if ((await Promise.race([this.gone, timeout])) === 'late') await this.stop();
  }

  private async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    await terminateGroup(pid, this.options.killGraceMs ?? 2000);
    unregisterGroup(pid);
  }

  private onLine(line: string): void {
    if (line.startsWith('{"ready"')) this.ready = true;
    const answer = parseAnswer(line);
    const waiter = answer && this.waiters.get(answer.id);
    if (!answer || !waiter) return;
    this.settle(answer.id, {
      exitCode: answer.exit,
      signal: answer.signal === null ? null : signalName(answer.signal),
      stdout: answer.stdout,
      stderr: answer.stderr,
      stoppedBy: null,
      durationMs: Date.now() - waiter.started,
      ...(answer.cpu_ms === undefined ? {} : { cpuMs: answer.cpu_ms }),
    });
  }

  /** A hung call (a lock, a prompt) cannot be told apart from a hung helper: stop it all; the next call restarts. */
  private onTimeout(id: number): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.retired = true;
    this.settle(id, { ...failed('timed out', Date.now() - waiter.started), stoppedBy: 'wall_timeout' });
    void this.stop();
  }

  private onExit(why: string): void {
    if (this.exited) return;
    this.exited = true;
    if (this.child.pid !== undefined) unregisterGroup(this.child.pid);
    const tail = this.stderrTail.trim().split('\n').at(-1) ?? '';
    for (const [id, waiter] of this.waiters) {
      this.settle(
        id,
        failed(`the spec-kitty helper ${why}${tail ? `: ${tail}` : ''}`, Date.now() - waiter.started),
      );
    }
  }

  private settle(id: number, outcome: HelperOutcome): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(id);
    waiter.resolve(outcome);
    if (this.waiters.size === 0) this.idle();
  }

  /** While a call is pending the helper keeps Node alive; idle, it does not (its stdin closes when Node ends). */
  private busy(): void {
    this.child.ref();
    for (const stream of [this.child.stdout, this.child.stderr, this.child.stdin]) refStream(stream, true);
  }

  private idle(): void {
    this.child.unref();
    for (const stream of [this.child.stdout, this.child.stderr, this.child.stdin]) refStream(stream, false);
  }
}

/** Node's child stdio streams are sockets: `unref` lets the event loop end while they stay open. */
function refStream(stream: object, on: boolean): void {
  const socket = stream as { ref?: () => void; unref?: () => void };
  if (on) socket.ref?.();
  else socket.unref?.();
}

function failed(why: string, durationMs: number): ProcessOutcome {
  return { exitCode: null, signal: null, stdout: '', stderr: why, stoppedBy: null, durationMs };
}

function parseAnswer(line: string): Answer | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as Partial<Answer>;
    return typeof value.id === 'number' && typeof value.stdout === 'string' ? (value as Answer) : null;
  } catch {
    return null;
  }
}

function signalName(signal: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}
