import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { errorMessage, KittyError } from '../errors.js';
import { neutralise } from '../neutralise.js';
import { LivenessTimer } from './liveness-timer.js';
import { describeArgv, LineSplitter, ProcessLog, TailBuffer } from './process-output.js';
import { processesOfAttempt } from './proc-scan.js';
import {
  readProcStat,
  registerGroup,
  terminateGroup,
  terminateProcess,
  unregisterGroup,
} from './process-tree.js';
import { supervisedArgv } from './supervisor.js';
import type { ProcessOutcome, ProcessRunner, RunProcessOptions } from './types.js';

/** Settings of a process runner; the defaults suit agent CLIs. */
export interface ProcessRunnerSettings {
  /** stdout and stderr are each kept in memory up to this many characters (their tail). Default 10 MiB. */
  maxCapturedChars?: number;
  /**
   * After the child and its group are gone, how long to wait for the pipes to close. Only a process that left
   * the group (setsid) and kept our stdout can hold them longer; we stop waiting rather than hang. Default 2 s.
   */
  stdioCloseTimeoutMs?: number;
  /** The environment children inherit before `env` additions. Default `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * Run each child under the supervisor (see supervisor.ts), so it is stopped when this process dies, even by
   * SIGKILL. Default false; agents run supervised.
   */
  supervise?: boolean;
}

const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_MAX_CAPTURED_CHARS = 10 * 1024 * 1024;
const DEFAULT_STDIO_CLOSE_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_LOG_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

/**
 * Variables only the Actions runner itself needs. The runtime and OIDC tokens would let an agent write our cache
 * or mint cloud credentials, and `INPUT_*` holds the action's own inputs (tokens among them): none of them is
 * the agent's business.
 */
const RUNNER_ONLY_ENV =
  /^(ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|INPUT_.*)$/i;

/**
 * The child's environment: the parent's, minus the runner-only variables, plus `additions`. Agents need far more
 * than a minimal PATH/HOME set (their API keys, proxy and CA settings, XDG config dirs), so we inherit rather
 * than allow-list. Secrets that reach the child may reach its output: the log and report layers redact them.
 */
export function childEnv(base: NodeJS.ProcessEnv, additions: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !RUNNER_ONLY_ENV.test(key)) env[key] = value;
  }
  return { ...env, ...additions };
}

/**
 * Makes a `ProcessRunner`. Each run spawns `argv[0]` directly (no shell) as the leader of a new process group,
 * streams its output to the log file and `onLine`, and stops the whole group on a wall-clock timeout, an
 * inactivity timeout (no output byte for that long) or an abort: SIGTERM, then SIGKILL after `killGraceMs`.
 * When the child ends by itself, anything it left running in its group is stopped the same way. The promise
 * resolves once the child has exited and its output is drained (bounded); it rejects only for a missing `cwd`
 * or an empty argv. A missing executable resolves as exit code 127 (126 when not executable), like a shell.
 */
export function createProcessRunner(settings: ProcessRunnerSettings = {}): ProcessRunner {
  return (options) => runOnce(options, settings);
}

/** The default runner; call `killAllChildren()` from process-tree.js on a hard exit. */
export const runProcess: ProcessRunner = createProcessRunner();

async function runOnce(options: RunProcessOptions, settings: ProcessRunnerSettings): Promise<ProcessOutcome> {
  const command = options.argv[0];
  if (command === undefined || command === '') throw new KittyError('agent', 'runProcess: argv is empty');
  await assertDirectory(options.cwd);
  const log = await ProcessLog.open(options.logFile, options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
  log.write(`=== ${new Date().toISOString()} start: ${describeArgv(options.argv)} (cwd: ${options.cwd})\n`);
  if (options.signal?.aborted) {
    // Cancelled before it began: do not start an agent only to kill it.
    log.write(`=== ${new Date().toISOString()} not started: aborted\n`);
    await log.close();
    return { exitCode: null, signal: null, stdout: '', stderr: '', stoppedBy: 'abort', durationMs: 0 };
  }
  let run: ProcessRun;
  try {
    run = new ProcessRun(options, settings, log);
  } catch (error) {
    // spawn throws synchronously only for invalid arguments (a NUL byte in argv, say): a caller bug.
    await log.close();
    throw new KittyError('agent', `runProcess: cannot start ${command}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const outcome = await run.finished;
  if (log.capped) run.notes.push('output past the log cap was not logged');
  log.write(`=== ${new Date().toISOString()} ${describeEnd(outcome, run.notes)}\n`);
  await log.close();
  const logError = log.error;
  return logError === null ? outcome : { ...outcome, stderr: outcome.stderr + logError };
}

async function assertDirectory(cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => null);
  if (!info?.isDirectory()) {
    throw new KittyError('host', `runProcess: working directory ${cwd} does not exist`);
  }
}

function describeEnd(outcome: ProcessOutcome, notes: string[]): string {
  const how = outcome.signal !== null ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode ?? '?'}`;
  const stopped = outcome.stoppedBy !== null ? `; stopped: ${outcome.stoppedBy}` : '';
  const extra = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  return `end: ${how} after ${outcome.durationMs} ms${stopped}${extra}`;
}

type StreamName = 'stdout' | 'stderr';

/** One child process from spawn to drained output. All listeners are attached synchronously at spawn. */
class ProcessRun {
  readonly finished: Promise<ProcessOutcome>;
  /** Things worth a mention in the log footer. */
  readonly notes: string[] = [];
  private readonly started = Date.now();
  private readonly child: ChildProcess;
  private readonly capture: Record<StreamName, TailBuffer>;
  private readonly lines: Record<StreamName, LineSplitter>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly liveness: LivenessTimer;
  private stoppedBy: ProcessOutcome['stoppedBy'] = null;
  /** How this run's processes are recognised after they left the group (when `sweepDir` is set). */
  private readonly mark: { env: Record<string, string>; startTime: number } | null;
  private stopping: Promise<unknown> | null = null;
  private readonly onAbort = (): void => this.stop('abort');

  constructor(
    private readonly options: RunProcessOptions,
    private readonly settings: ProcessRunnerSettings,
    private readonly log: ProcessLog,
  ) {
    const max = settings.maxCapturedChars ?? DEFAULT_MAX_CAPTURED_CHARS;
    this.capture = { stdout: new TailBuffer(max), stderr: new TailBuffer(max) };
    this.liveness = new LivenessTimer(options.liveness, () => this.stop('network_wait'));
    this.lines = { stdout: this.splitter('stdout'), stderr: this.splitter('stderr') };
    const supervise = settings.supervise === true;
    const [command = '', ...args] = supervise ? supervisedArgv(options.argv) : options.argv;
    const withStdin = options.stdin !== undefined && options.stdin !== null;
    this.mark = options.sweepDir === undefined ? null : newMark();
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(settings.baseEnv ?? process.env, { ...options.env, ...this.mark?.env }),
      // Leading its own group lets one signal reach everything the agent starts.
      detached: true,
      // No stdin pipe unless we have input: some CLIs (pi -p) block reading an open pipe. The supervisor's
      // fd 3 is the pipe that closes when we die.
      stdio: [withStdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(supervise ? (['pipe'] as const) : [])],
    });
    this.finished = new Promise((resolve) => this.watch(resolve));
  }

  private watch(resolve: (outcome: ProcessOutcome) => void): void {
    const closed = new Promise<void>((done) => this.child.once('close', () => done()));
    this.child.once('error', (error: NodeJS.ErrnoException) => {
      // Before 'spawn', an error means the process never started; later ones (a failed kill) are harmless.
      if (this.child.pid === undefined) resolve(this.spawnFailure(error));
    });
    this.child.on('error', () => undefined);
    this.child.once('spawn', () => this.onSpawn());
    this.child.once('exit', (code, signal) => {
      const done = (): void => resolve(this.outcome(code, signal));
      void this.afterExit(closed).then(done, done);
    });
  }

  private onSpawn(): void {
    const pid = this.child.pid;
    if (pid !== undefined) {
      registerGroup(pid);
      if (this.mark) this.mark.startTime = readProcStat(pid)?.startTime ?? 0;
      this.options.onSpawn?.(pid);
    }
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = this.child[name];
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.onData(name, chunk));
    }
    this.writeStdin();
    this.startTimers();
  }

  private writeStdin(): void {
    const stdin = this.child.stdin;
    if (!stdin) return;
    // EPIPE when the child exits without reading its input: not our failure to report.
    stdin.on('error', () => undefined);
    stdin.end(this.options.stdin ?? '');
  }

  private startTimers(): void {
    const { wallTimeoutMs, inactivityTimeoutMs, signal } = this.options;
    this.timers.push(setTimeout(() => this.stop('wall_timeout'), timerMs(wallTimeoutMs)));
    this.timers.push(setTimeout(() => this.stop('inactivity_timeout'), timerMs(inactivityTimeoutMs)));
    this.liveness.start(timerMs);
    if (signal?.aborted) this.stop('abort');
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private onData(name: StreamName, chunk: string): void {
    // Any output byte proves the agent is alive, unless a liveness watch judges it line by line (a part of a
    // long line still counts).
    if (!this.liveness.active || !chunk.includes('\n')) this.timers[1]?.refresh();
    this.capture[name].push(chunk);
    this.lines[name].push(chunk);
  }

  private stop(reason: NonNullable<ProcessOutcome['stoppedBy']>): void {
    const pid = this.child.pid;
    if (this.stopping !== null || pid === undefined) return;
    this.stoppedBy = reason;
    this.stopping = terminateGroup(pid, this.killGraceMs);
  }

  private get killGraceMs(): number {
    return this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  }

  /** Stops what the child left in its group, then drains the pipes, never waiting on them without bound. */
  private async afterExit(closed: Promise<void>): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.liveness.end();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const pid = this.child.pid;
    if (pid !== undefined) {
      const leftovers = this.stopping === null ? await terminateGroup(pid, this.killGraceMs) : 'none';
      if (leftovers !== 'none')
        this.notes.push(`stopped processes the child left in its group (${leftovers})`);
      await this.stopping;
      unregisterGroup(pid);
      await this.sweep();
    }
    const timeoutMs = this.settings.stdioCloseTimeoutMs ?? DEFAULT_STDIO_CLOSE_TIMEOUT_MS;
    const drained = await Promise.race([closed.then(() => true), delay(timeoutMs).then(() => false)]);
    if (!drained) {
      this.notes.push('output pipes still held open by a process outside the group; stopped reading');
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
    }
  }

  /** Stops the processes of this run that left its group (setsid) and would otherwise outlive it. */
  private async sweep(): Promise<void> {
    const { sweepDir } = this.options;
    if (!this.mark || sweepDir === undefined) return;
    const [envEntry = ''] = Object.entries(this.mark.env).map(([key, value]) => `${key}=${value}`);
    const escaped = processesOfAttempt({ envEntry, dir: sweepDir, startTime: this.mark.startTime });
    if (escaped.length === 0) return;
    await Promise.all(escaped.map((pid) => terminateProcess(pid, this.killGraceMs)));
    this.notes.push(`stopped ${escaped.length} process(es) that had left its group (${escaped.join(', ')})`);
  }

  private outcome(code: number | null, signal: NodeJS.Signals | null): ProcessOutcome {
    this.lines.stdout.flush();
    this.lines.stderr.flush();
    return {
      exitCode: code,
      signal,
      stdout: this.capture.stdout.text('stdout', this.options.logFile),
      stderr: this.capture.stderr.text('stderr', this.options.logFile),
      stoppedBy: this.stoppedBy,
      durationMs: Date.now() - this.started,
    };
  }

  private spawnFailure(error: NodeJS.ErrnoException): ProcessOutcome {
    const command = this.options.argv[0] ?? '';
    const notExecutable = error.code === 'EACCES';
    const why =
      error.code === 'ENOENT' ? 'executable not found (is it installed and on PATH?)' : error.message;
    const message = `kitty-orchestrator: cannot run ${command}: ${why}\n`;
    this.log.write(message);
    return {
      exitCode: notExecutable ? 126 : 127,
      signal: null,
      stdout: '',
      stderr: message,
      stoppedBy: null,
      durationMs: Date.now() - this.started,
    };
  }

  private splitter(name: StreamName): LineSplitter {
    const redact = this.options.redact ?? ((text: string) => text);
    // The log is written line by line so redaction never misses a secret split across two chunks; control
    // characters are shown as placeholders, so no escape sequence or `\r` reaches a terminal or the runner.
    return new LineSplitter((raw) => {
      if (this.liveness.line(raw, name)) this.timers[1]?.refresh();
      const line = neutralise(redact(raw));
      if (!this.log.writeOutput(`${line}\n`)) return;
      try {
        this.options.onLine?.(line, name);
      } catch {
        // A broken live view must not cost the agent run; the log file still has every line.
      }
    }, this.options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
  }
}

/** setTimeout fires at once for delays past 2^31-1 ms (about 24.8 days) or NaN: clamp instead. */
const timerMs = (ms: number): number =>
  Number.isFinite(ms) ? Math.min(Math.max(1, ms), 2 ** 31 - 1) : 2 ** 31 - 1;

/** An environment entry unique to one run, inherited by everything it starts (setsid or not). */
function newMark(): { env: Record<string, string>; startTime: number } {
  return { env: { KITTY_ORCHESTRATOR_RUN_MARK: randomUUID() }, startTime: 0 };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
