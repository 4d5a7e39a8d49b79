import { spawn, type ChildProcess } from 'node:child_process';
import { signalGroup } from './process-tree.js';
import { onLines } from './stream-lines.js';

/**
 * A small long-lived Node process that starts short commands (git) for us. Starting a process forks the one
 * that starts it, and the fork copies its page tables: 3-4 ms of blocked event loop in a big orchestrator
 * (more as its memory grows), during which no agent output is read and nothing is scheduled. The helper is
 * small, so its forks are cheap, and ours is a write to a pipe.
 *
 * Requests and answers are JSON lines tagged with an id, so many commands run at once. Each command is run
 * from an argv array (no shell) as the leader of its own process group, with our timeout (SIGTERM to the
 * group, SIGKILL 2 s later) and output cap. When we die, even by SIGKILL, the helper reads EOF: it takes no new
 * command and exits once the running ones end (each within its timeout), as they would have without it.
 *
 * Run as `node -e HELPER_SOURCE`: plain CommonJS, no file to ship with the bundle.
 */
export const HELPER_SOURCE = String.raw`
const { spawn } = require('node:child_process');
const running = new Set();
let ended = false;
process.stdout.on('error', () => {});
const reply = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const maybeExit = () => { if (ended && running.size === 0) process.exit(0); };
function run(req) {
  let child;
  try {
    const stdio = [req.input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'];
    child = spawn(req.file, req.args, { cwd: req.cwd, env: req.env, detached: true, stdio });
  } catch (error) {
    return reply({ id: req.id, error: error.message });
  }
  running.add(child);
  const out = [], err = [];
  let size = 0, why = null, replied = false;
  const signal = (sig) => { try { process.kill(-child.pid, sig); } catch {} };
  const stop = (reason) => {
    if (why !== null) return;
    why = reason;
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), 2000).unref();
  };
  const timer = setTimeout(() => stop('timed out after ' + req.timeoutMs + ' ms'), req.timeoutMs);
  const collect = (list) => (chunk) => {
    size += chunk.length;
    if (size > req.maxBuffer) stop('output past ' + req.maxBuffer + ' bytes');
    else list.push(chunk);
  };
  child.stdout.on('data', collect(out));
  child.stderr.on('data', collect(err));
  const finish = (msg) => {
    if (replied) return;
    replied = true;
    clearTimeout(timer);
    running.delete(child);
    reply(Object.assign({ id: req.id, why }, msg));
    maybeExit();
  };
  child.on('error', (error) => finish({ error: error.message, errno: error.code }));
  child.on('close', (code, sig) => finish({
    code, signal: sig,
    stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
  }));
  if (child.stdin) { child.stdin.on('error', () => {}); child.stdin.end(req.input); }
}
let partial = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (partial + chunk).split('\n');
  partial = lines.pop();
  for (const line of lines) if (line !== '') run(JSON.parse(line));
});
process.stdin.on('end', () => { ended = true; maybeExit(); });
`;

/** One command for the helper. */
export interface HelperCommand {
  file: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs: number;
  maxBuffer: number;
}

/** How it ended: `error` when it could not start; `why` when we stopped it (timeout, output cap). */
export interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  why: string | null;
  error?: string;
  errno?: string;
}

/** Beyond the command's own timeout (enforced in the helper), how long we wait for its answer. */
const ANSWER_GRACE_MS = 15_000;

interface Waiting {
  resolve: (result: HelperResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** The helper it was sent to: when that one dies, only its commands are lost. */
  helper: ChildProcess;
}

/** The client end: one helper per orchestrator, started on first use and again if it died. */
export class SpawnHelper {
  private child: ChildProcess | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  run(command: HelperCommand): Promise<HelperResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const child = this.child ?? this.start();
      // Referenced: a command in flight keeps us alive until it is answered.
      const timer = setTimeout(() => this.abandon(id), command.timeoutMs + ANSWER_GRACE_MS);
      this.waiting.set(id, { resolve, reject, timer, helper: child });
      child.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  /** The helper's pid (tests and the bench), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Closes the helper's input: it exits once its running commands end. */
  close(): void {
    this.child?.stdin?.end();
    this.child = null;
  }

  private start(): ChildProcess {
    const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      // Outside every repository: a process working there would look like the live owner of a stale lock.
      cwd: '/',
      // The commands get their environment with each request; the helper itself needs none of ours (our
      // NODE_OPTIONS may load a TypeScript loader it has no use for).
      env: {},
      // Out of the terminal's group: a Ctrl+C meant for us must not cut a git command half-way.
      detached: true,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    child.unref();
    for (const stream of [child.stdin, child.stdout]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.stdin?.on('error', () => undefined); // EPIPE after its death: 'close' below reports it
    onLines(child.stdout, (line) => this.onAnswer(line));
    const died = (why: string): void => this.onDeath(child, why);
    child.once('error', (error) => died(error.message));
    child.once('close', (code, signal) => died(`${signal ?? `exit ${code}`}`));
    return child;
  }

  private onAnswer(line: string): void {
    const answer = JSON.parse(line) as HelperResult & { id: number };
    const waiting = this.waiting.get(answer.id);
    if (waiting === undefined) return; // abandoned
    this.waiting.delete(answer.id);
    clearTimeout(waiting.timer);
    waiting.resolve(answer);
  }

  private onDeath(child: ChildProcess, why: string): void {
    if (this.child === child) this.child = null;
    const error = new Error(`the spawn helper ended (${why})`);
    for (const [id, waiting] of this.waiting) {
      if (waiting.helper !== child) continue;
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      waiting.reject(error);
    }
  }

  /** No answer long past the command's own timeout: the helper is wedged; stop it and start afresh. */
  private abandon(id: number): void {
    const child = this.child;
    this.child = null;
    if (child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    this.waiting.get(id)?.reject(new Error('the spawn helper did not answer'));
    this.waiting.delete(id);
  }
}
