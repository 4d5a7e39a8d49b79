import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lineKind } from '../agents/liveness.js';
import { getInvoker } from '../agents/registry.js';
import type { AgentResult, InvocationRequest } from '../agents/types.js';
import type { AgentConfig, Role } from '../config/schema.js';
import type { ProcessRunner } from '../executor/types.js';
import { redactDeep, type Redact } from '../redact.js';
import { assertNoSymlink } from '../safe-write.js';
import { errorMessage } from '../errors.js';
import type { Recorder } from './recorder.js';
import type { Logger } from './types.js';

/** Summaries kept in state and reports are capped: the full output is in the log file. */
const SUMMARY_LIMIT = 4000;

export interface AttemptContext {
  recorder: Recorder;
  logger: Logger;
  runProcess: ProcessRunner;
  logDir: string;
  redact: (text: string) => string;
  signal: AbortSignal;
  onAgentLine?: ((wpId: string, line: string) => void) | undefined;
}

export interface AttemptSpec {
  wpId: string;
  role: Role;
  agent: string;
  agentConfig: AgentConfig;
  attempt: number;
  prompt: string;
  cwd: string;
  /** Checks the parsed result before it is recorded (the implementation's verify step); may turn it into a failure. */
  check?: ((result: AgentResult) => Promise<AgentResult>) | undefined;
  /** The WP branch's commit as the attempt starts (recorded, so a resume can adopt or reset its work). */
  head?: string | undefined;
  /** Called as soon as the agent's process has exited, before its answer is parsed and checked. */
  onProcessExit?: (() => void) | undefined;
}

export type AttemptOutcome = { interrupted: true } | { interrupted: false; result: AgentResult };

/** Where the pids of running agents are noted, so a resume after a crash can stop leftovers. */
export function pidDir(logDir: string): string {
  return path.join(logDir, '.pids');
}

function truncate(text: string): string {
  return text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT)}… (truncated; see the log)` : text;
}

/** Run one agent once: build its invocation, spawn it under timeouts, parse its answer, record both ends. */
export async function runAttempt(ctx: AttemptContext, spec: AttemptSpec): Promise<AttemptOutcome> {
  const invoker = getInvoker(spec.agent);
  const name = `${spec.wpId}-${spec.role}-${spec.attempt}`;
  const scratchDir = await makeScratchDir(ctx, name, spec.prompt);
  const request: InvocationRequest = {
    role: spec.role,
    prompt: spec.prompt,
    cwd: spec.cwd,
    agent: spec.agentConfig,
    scratchDir,
  };
  const invocation = invoker.buildInvocation(request);
  for (const [file, content] of Object.entries(invocation.files)) await writeNew(file, content);

  const logFile = path.join(ctx.logDir, `${name}.log`);
  await ctx.recorder.record({
    type: 'attempt_started',
    wp: spec.wpId,
    role: spec.role,
    agent: spec.agent,
    attempt: spec.attempt,
    logFile,
    ...(spec.head === undefined ? {} : { head: spec.head }),
  });
  const wallSeconds = Math.min(spec.agentConfig.timeout_seconds, invocation.hardTimeoutSeconds ?? Infinity);
  const pidFile = path.join(pidDir(ctx.logDir), `${name}.pid`);
  let pidWritten: Promise<unknown> = Promise.resolve();
  const outcome = await ctx.runProcess({
    argv: invocation.argv,
    cwd: spec.cwd,
    sweepDir: spec.cwd,
    env: invocation.env,
    stdin: invocation.stdin,
    wallTimeoutMs: wallSeconds * 1000,
    inactivityTimeoutMs: spec.agentConfig.inactivity_timeout_seconds * 1000,
    logFile,
    redact: ctx.redact,
    maxLogBytes: spec.agentConfig.max_log_bytes,
    maxLineChars: spec.agentConfig.max_line_chars,
    onLine: (line) => ctx.onAgentLine?.(spec.wpId, line),
    onSpawn: (pid) => {
      pidWritten = bestEffort(ctx, pidFile, () => writePidFile(pidFile, pid));
    },
    signal: ctx.signal,
    liveness: {
      kind: lineKind,
      waitLimitMs: spec.agentConfig.network_wait_seconds * 1000,
      silenceIsWaiting: invoker.streamsEvents === true,
    },
  });
  spec.onProcessExit?.();
  await pidWritten;
  await bestEffort(ctx, pidFile, () => rm(pidFile, { force: true }));
  if (outcome.stoppedBy === 'abort') return { interrupted: true };

  const parsed = invoker.parseOutcome(outcome, request);
  const checked = parsed.success && spec.check ? await spec.check(parsed) : parsed;
  const result = redactResult(checked, ctx.redact);
  await ctx.recorder.record({
    type: 'attempt_finished',
    wp: spec.wpId,
    role: spec.role,
    agent: spec.agent,
    attempt: spec.attempt,
    success: result.success,
    summary: result.summary,
    ...(result.errorClass ? { errorClass: result.errorClass } : {}),
    exitCode: outcome.exitCode,
    durationMs: outcome.durationMs,
    ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
    ...(result.tokens ? { tokens: result.tokens } : {}),
  });
  return { interrupted: false, result };
}

/**
 * Agent text goes into state, reports and the prompts of retries and reviews: secrets it echoed must not. Every
 * field is redacted (a finding's `location` as much as its message), then the summary is capped.
 */
function redactResult(result: AgentResult, redact: Redact): AgentResult {
  const redacted = redactDeep(result, redact);
  return { ...redacted, summary: truncate(redacted.summary) };
}

/**
 * The attempt's scratch dir, holding its prompt (`prompt.txt`): under the log dir when it can be written there,
 * else in a temp dir (a read-only or full log dir costs a warning, not the run).
 */
async function makeScratchDir(ctx: AttemptContext, name: string, prompt: string): Promise<string> {
  const write = async (dir: string) => {
    await assertNoSymlink(dir);
    await mkdir(dir, { recursive: true });
    await writeNew(path.join(dir, 'prompt.txt'), prompt);
  };
  const dir = path.join(ctx.logDir, 'scratch', name);
  if (await bestEffort(ctx, dir, () => write(dir))) return dir;
  const fallback = await mkdtemp(path.join(tmpdir(), `kitty-scratch-${name}-`));
  await write(fallback);
  return fallback;
}

/**
 * Logs and pid files are a convenience: a failure is one warning naming the path (one per directory and run, not
 * one per attempt), never the run's end.
 */
export async function bestEffort(
  ctx: AttemptContext,
  file: string,
  task: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await task();
    return true;
  } catch (error) {
    const warned = warnedDirs.get(ctx.recorder) ?? new Set<string>();
    warnedDirs.set(ctx.recorder, warned);
    if (!warned.has(path.dirname(file))) {
      warned.add(path.dirname(file));
      ctx.logger.warn(`cannot write ${file} (${errorMessage(error)}); going on without it`);
    }
    return false;
  }
}

/** The directories each run (by its recorder) already warned about. */
const warnedDirs = new WeakMap<Recorder, Set<string>>();

async function writePidFile(file: string, pid: number): Promise<void> {
  await assertNoSymlink(file);
  await mkdir(path.dirname(file), { recursive: true });
  await writeNew(file, String(pid));
}

/** Writes a file of ours under .kittify/: never through a symbolic link planted there. */
async function writeNew(file: string, content: string): Promise<void> {
  await assertNoSymlink(file);
  await writeFile(file, content);
}
