import { execFile } from 'node:child_process';
import { errorMessage, KittyError } from '../errors.js';
import { SpawnHelper, type HelperResult } from '../executor/spawn-helper.js';

/**
 * A small git runner: argv arrays (never a shell string), no terminal prompts, a timeout, typed errors that
 * carry git's stderr. User hooks and config are respected on purpose: the repo is theirs. Commands are forked
 * by the spawn helper, not by this (possibly large) process; lookups and ref updates that need no process of
 * their own go through batch.ts.
 */

/** A git command that failed; `message` is one line naming the command, the directory and git's complaint. */
export class GitError extends KittyError {
  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout: string,
    options: { cause?: unknown; reason?: string } = {},
  ) {
    const why = options.reason ?? firstLine(stderr);
    super('host', `git ${args.join(' ')} failed in ${cwd} (${describeExit(exitCode)}): ${why}`, options);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** Default 10 minutes: hooks may run a test suite, but nothing git does here should take longer. */
  timeoutMs?: number;
  /** Largest stdout accepted (default 64 MiB); beyond it the command fails with a GitError. */
  maxBuffer?: number;
  /** Variables added for this command only (a credential given to one push, never to the repo's config). */
  env?: Record<string, string>;
  /** Written to git's stdin (`mktree`, `hash-object --stdin`); without it stdin is left open and unused. */
  input?: string;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Variables a calling git hook may have set; inherited, they would point every command at the caller's repo
 * instead of `cwd`.
 */
const REPO_LOCATING_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR'];

export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const key of REPO_LOCATING_ENV) delete env[key];
  return env;
}

/**
 * Where git processes are forked: from the spawn helper (default; see spawn-helper.ts), or from this process
 * (`direct`, what the bench compares against).
 */
export type GitSpawn = 'helper' | 'direct';
let spawnMode: GitSpawn = 'helper';
const helper = new SpawnHelper();

/** Chooses where git processes are forked (the bench; a host without a usable helper). */
export function setGitSpawn(mode: GitSpawn): void {
  spawnMode = mode;
}

/** Runs git and returns its exit code and output; rejects only when git could not run or ran out of bounds. */
export function tryGit(args: readonly string[], cwd: string, options: GitOptions = {}): Promise<GitResult> {
  return spawnMode === 'helper' ? viaHelper(args, cwd, options) : direct(args, cwd, options);
}

async function viaHelper(args: readonly string[], cwd: string, options: GitOptions): Promise<GitResult> {
  let result: HelperResult;
  try {
    result = await helper.run({
      file: 'git',
      args,
      cwd,
      env: { ...gitEnv(), ...options.env },
      ...(options.input !== undefined && { input: options.input }),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER,
    });
  } catch (error) {
    throw new GitError(args, cwd, null, '', '', { cause: error, reason: errorMessage(error) });
  }
  const { code, stdout, stderr } = result;
  // A plain non-zero exit is an answer; anything else (ENOENT, timeout, output cap, a signal) is a failure.
  if (result.error === undefined && result.why === null && code !== null)
    return { exitCode: code, stdout, stderr };
  const reason = result.error ?? result.why ?? `killed by ${result.signal ?? 'a signal'}`;
  throw new GitError(args, cwd, null, stderr ?? '', stdout ?? '', { reason });
}

function direct(args: readonly string[], cwd: string, options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // Out of the terminal's process group (execFile hands `detached` to spawn; its typings omit it): a Ctrl+C
    // meant for the orchestrator must not kill a git command half-way while the run stops gracefully.
    const spawnOptions = {
      cwd,
      env: { ...gitEnv(), ...options.env },
      encoding: 'utf8' as const,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER,
      detached: true,
    };
    const child = execFile('git', [...args], spawnOptions, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      const code = (error as { code?: unknown }).code;
      // A plain non-zero exit is an answer; anything else (ENOENT, timeout, maxBuffer) is a failure.
      if (typeof code === 'number' && !error.killed) return resolve({ exitCode: code, stdout, stderr });
      const reason = error.killed ? 'timed out or was killed' : error.message;
      reject(new GitError(args, cwd, null, stderr, stdout, { cause: error, reason }));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs git; resolves its stdout, or rejects with a GitError when it exits non-zero. */
export async function git(args: readonly string[], cwd: string, options: GitOptions = {}): Promise<string> {
  const result = await tryGit(args, cwd, options);
  if (result.exitCode !== 0) throw new GitError(args, cwd, result.exitCode, result.stderr, result.stdout);
  return result.stdout;
}

/** Runs git and returns its stdout trimmed (for commands that print one value). */
export async function gitLine(args: readonly string[], cwd: string): Promise<string> {
  return (await git(args, cwd)).trim();
}

function describeExit(exitCode: number | null): string {
  return exitCode === null ? 'did not finish' : `exit ${exitCode}`;
}

/** The most telling line of git's stderr: the first `fatal:`/`error:` line, else the first non-empty one. */
function firstLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'no message';
}
