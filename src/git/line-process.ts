import { spawn, type ChildProcess } from 'node:child_process';
import { signalGroup } from '../executor/process-tree.js';
import { onLines } from '../executor/stream-lines.js';

/**
 * A long-lived child that answers requests written to its stdin with lines on its stdout, in order (`git
 * cat-file --batch-check`, `git update-ref --stdin`, our spawn helper). Forking the orchestrator costs
 * milliseconds of blocked event loop that grow with its memory; a write to a pipe costs microseconds.
 *
 * One request at a time is on the wire per process (answers carry no id); others wait their turn. Every
 * request has a timeout: past it the process is killed and every waiting request fails. A process that died
 * (killed, crashed, refused a request) is started again by the next request. After `idleMs` without a request
 * its stdin is closed so it ends by itself; it is unreferenced, so it never keeps this process alive, and it
 * reads EOF and ends when this process dies, even by SIGKILL.
 */

export interface LineProcessOptions {
  /** `argv[0]` is run directly (no shell) as the leader of its own process group. */
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Close stdin after this long without a request (default 5 s). */
  idleMs?: number;
}

/** A request: what to write, and when the lines read so far are its whole answer. */
export interface LineRequest {
  input: string;
  done: (lines: readonly string[]) => boolean;
  timeoutMs: number;
}

/** Why a request got no answer: the process died, timed out or could not start. `stderr` is its last words. */
export class LineProcessError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'LineProcessError';
  }
}

const DEFAULT_IDLE_MS = 5000;
const MAX_STDERR_CHARS = 4096;

interface Pending {
  request: LineRequest;
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
}

export class LineProcess {
  private child: ChildProcess | null = null;
  private readonly queue: Pending[] = [];
  private lines: string[] = [];
  private stderr = '';
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LineProcessOptions) {}

  /** The answer's lines (without their newlines). */
  request(request: LineRequest): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.queue.length === 1) this.send();
    });
  }

  /** Ends the process now; every request not yet answered fails. */
  stop(): void {
    const waiting = this.queue.splice(1);
    this.kill('stopped');
    for (const pending of waiting) pending.reject(new LineProcessError('stopped', ''));
  }

  /** The pid of the running process, if any (for tests and the bench). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private send(): void {
    const head = this.queue[0];
    if (head === undefined) return this.armIdle();
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const child = this.child ?? this.start();
    if (child === null) return;
    this.lines = [];
    // Referenced: a request in flight keeps this process alive until it is answered or timed out.
    this.timer = setTimeout(
      () => this.kill(`no answer within ${head.request.timeoutMs} ms`),
      head.request.timeoutMs,
    );
    child.stdin?.write(head.request.input);
  }

  private start(): ChildProcess | null {
    const [command = '', ...args] = this.options.argv;
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: this.options.cwd,
        env: this.options.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte): every request would fail the same way.
      const failure = new LineProcessError(`cannot start ${command}: ${String(error)}`, '');
      for (const pending of this.queue.splice(0)) pending.reject(failure);
      return null;
    }
    this.child = child;
    this.stderr = '';
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.stdin?.on('error', () => undefined); // EPIPE after a death: the 'exit' below reports it
    // Late output of a process we gave up on (killed, idle) belongs to no request of the new one.
    onLines(child.stdout, (line) => {
      if (this.child === child) this.onLine(line);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (this.child === child) this.stderr = (this.stderr + chunk).slice(-MAX_STDERR_CHARS);
    });
    child.once('error', (error) => this.onExit(child, `cannot run ${command}: ${error.message}`));
    child.once('close', (code, signal) =>
      this.onExit(child, `${command} ended (${signal ?? `exit ${code}`})`),
    );
    return child;
  }

  private onLine(line: string): void {
    const head = this.queue[0];
    if (head === undefined) return; // output nobody asked for
    this.lines.push(line);
    if (!head.request.done(this.lines)) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.shift();
    head.resolve(this.lines);
    this.lines = [];
    this.send();
  }

  private onExit(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    // On 'close', so its stderr is all in. The request on the wire fails; the rest go to a new process.
    this.failHead(new LineProcessError(`${why}${this.stderr ? `: ${this.stderr.trim()}` : ''}`, this.stderr));
  }

  private kill(why: string): void {
    const child = this.child;
    this.child = null;
    if (child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    this.failHead(new LineProcessError(why, this.stderr));
  }

  private failHead(error: Error): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.shift()?.reject(error);
    this.send();
  }

  private armIdle(): void {
    if (this.child === null || this.idleTimer !== null) return;
    const child = this.child;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.queue.length > 0 || this.child !== child) return;
      // Forgotten first: a request arriving while it winds down starts a new one.
      this.child = null;
      child.stdin?.end();
    }, this.options.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }
}
