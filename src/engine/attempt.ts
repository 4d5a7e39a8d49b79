import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lineKind } from '../agents/liveness.js';
import { getInvoker } from '../agents/registry.js';
import type { AgentResult, InvocationRequest } from '../agents/types.js';
import type { AgentConfig, Role } from '../config/schema.js';
import type { ProcessRunner } from '../executor/types.js';
import type { Recorder } from './recorder.js';

/** Summaries kept in state and reports are capped: the full output is in the log file. */
const SUMMARY_LIMIT = 4000;

export interface AttemptContext {
  recorder: Recorder;
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
  const scratchDir = path.join(ctx.logDir, 'scratch', name);
  await mkdir(scratchDir, { recursive: true });
  const request: InvocationRequest = {
    role: spec.role,
    prompt: spec.prompt,
    cwd: spec.cwd,
    agent: spec.agentConfig,
    scratchDir,
  };
  const invocation = invoker.buildInvocation(request);
  await writeFile(path.join(scratchDir, 'prompt.txt'), spec.prompt);
  for (const [file, content] of Object.entries(invocation.files)) await writeFile(file, content);

  const logFile = path.join(ctx.logDir, `${name}.log`);
  await ctx.recorder.record({
    type: 'attempt_started',
    wp: spec.wpId,
    role: spec.role,
    agent: spec.agent,
    attempt: spec.attempt,
    logFile,
  });
  const wallSeconds = Math.min(spec.agentConfig.timeout_seconds, invocation.hardTimeoutSeconds ?? Infinity);
  const pidFile = path.join(pidDir(ctx.logDir), `${name}.pid`);
  let pidWritten: Promise<void> = Promise.resolve();
  const outcome = await ctx.runProcess({
    argv: invocation.argv,
    cwd: spec.cwd,
    env: invocation.env,
    stdin: invocation.stdin,
    wallTimeoutMs: wallSeconds * 1000,
    inactivityTimeoutMs: spec.agentConfig.inactivity_timeout_seconds * 1000,
    logFile,
    redact: ctx.redact,
    onLine: (line) => ctx.onAgentLine?.(spec.wpId, line),
    onSpawn: (pid) => {
      pidWritten = writePidFile(pidFile, pid);
    },
    signal: ctx.signal,
    liveness: {
      kind: lineKind,
      waitLimitMs: spec.agentConfig.network_wait_seconds * 1000,
      silenceIsWaiting: invoker.streamsEvents === true,
    },
  });
  spec.onProcessExit?.();
  await pidWritten.catch(() => undefined);
  await rm(pidFile, { force: true });
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

/** Agent text goes into state, reports and prompts: secrets it echoed must not. */
function redactResult(result: AgentResult, redact: (text: string) => string): AgentResult {
  const verdict = result.verdict && {
    ...result.verdict,
    summary: redact(result.verdict.summary),
    findings: result.verdict.findings.map((f) => ({ ...f, message: redact(f.message) })),
  };
  return { ...result, summary: truncate(redact(result.summary)), ...(verdict ? { verdict } : {}) };
}

async function writePidFile(file: string, pid: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, String(pid));
}
