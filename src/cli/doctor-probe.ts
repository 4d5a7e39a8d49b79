/**
 * `doctor --probe`: run one installed agent CLI once, exactly as `orchestrate` would (the invoker's argv, prompt
 * delivery and parser, the real process runner with its timeouts and process-group kill), on a trivial prompt
 * in a throwaway git repository, and say whether it is usable or why not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { AgentInvoker, InvocationRequest } from '../agents/types.js';
import { errorMessage } from '../errors.js';
import type { ProcessOutcome, ProcessRunner } from '../executor/types.js';
import { git } from '../git/index.js';

export const PROBE_PROMPT = 'Reply with the word OK.';

export const PROBE_STATUSES = [
  'usable',
  'auth_failed',
  'rate_limited',
  'flags_rejected',
  'timed_out',
  'failed',
] as const;
export type ProbeStatus = (typeof PROBE_STATUSES)[number];

export interface ProbeReport {
  status: ProbeStatus;
  /** One line: the answer, or what the CLI said when it failed. */
  detail: string;
}

export interface ProbeSettings {
  runProcess: ProcessRunner;
  wallTimeoutMs: number;
  inactivityTimeoutMs: number;
}

/** A probe is short: 30 s in all, and a CLI silent for 15 s is taken as hung (three real CLIs hang offline). */
export const DEFAULT_PROBE_WALL_MS = 30_000;
export const DEFAULT_PROBE_INACTIVITY_MS = 15_000;
const KILL_GRACE_MS = 2_000;
const DETAIL_MAX = 160;

/**
 * How the CLIs reject an unknown flag (see /work/shared/design/agents.md): commander "unknown option", clap
 * "unexpected argument", copilot "Invalid command format", yargs "Unknown arguments:", pi/letta "Unknown option",
 * opencode/kilo printing their `run [message..]` usage. Such a failure means our argv no longer fits the CLI.
 */
const FLAGS_REJECTED: readonly RegExp[] = [
  /unknown option/i,
  /unexpected argument/i,
  /invalid command format/i,
  /unknown arguments?:/i,
  /\brun \[message\.\.\]/,
];

const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= DETAIL_MAX ? line : `${line.slice(0, DETAIL_MAX - 1)}…`;
};

/** A fresh repository with one commit, like the worktree an agent normally works in. */
async function scratchRepo(dir: string): Promise<string> {
  const repo = path.join(dir, 'repo');
  await mkdir(repo);
  await git(['init', '-q'], repo);
  const identity = [
    '-c',
    'user.name=kitty-orchestrator',
    '-c',
    'user.email=doctor@kitty-orchestrator.invalid',
  ];
  await git(
    [...identity, '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'doctor probe'],
    repo,
  );
  return repo;
}

async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

function flagsRejected(outcome: ProcessOutcome): string | null {
  if (outcome.stoppedBy !== null || outcome.exitCode === 0) return null;
  const lines = `${outcome.stderr}\n${outcome.stdout}`.split('\n');
  const hit = lines.find((line) => FLAGS_REJECTED.some((pattern) => pattern.test(line)));
  return hit === undefined ? null : oneLine(hit);
}

function stopped(outcome: ProcessOutcome, settings: ProbeSettings): ProbeReport {
  const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const detail =
    outcome.stoppedBy === 'inactivity_timeout'
      ? `no output for ${seconds(settings.inactivityTimeoutMs)}; stopped`
      : `no answer within ${seconds(settings.wallTimeoutMs)}; stopped`;
  return { status: 'timed_out', detail };
}

/** Turn the finished probe into a verdict, reading the output with the invoker's own parser. */
export function judgeProbe(
  invoker: AgentInvoker,
  outcome: ProcessOutcome,
  request: InvocationRequest,
  settings: ProbeSettings,
): ProbeReport {
  if (outcome.exitCode === 127) {
    return {
      status: 'failed',
      detail: `${request.agent.command ?? invoker.binaries[0] ?? invoker.id}: not found`,
    };
  }
  const rejected = flagsRejected(outcome);
  if (rejected !== null) return { status: 'flags_rejected', detail: rejected };
  const result = invoker.parseOutcome(outcome, request);
  if (result.success) return { status: 'usable', detail: oneLine(result.summary) };
  if (outcome.stoppedBy !== null) return stopped(outcome, settings);
  const detail = oneLine(result.summary);
  switch (result.errorClass) {
    case 'auth':
      return { status: 'auth_failed', detail };
    case 'rate_limit':
      return {
        status: 'rate_limited',
        detail: result.rateLimitResetAt ? `${detail} (resets ${result.rateLimitResetAt})` : detail,
      };
    case 'timeout':
    case 'stalled':
      return { status: 'timed_out', detail };
    case 'network':
    case 'invalid_output':
    case 'crash':
    case undefined:
      return { status: 'failed', detail };
  }
}

/** Probe one agent. Never throws: a probe that cannot even start is reported as failed. */
export async function probeAgent(
  invoker: AgentInvoker,
  agent: AgentConfig,
  settings: ProbeSettings,
): Promise<ProbeReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `kitty-doctor-${invoker.id}-`));
  try {
    const scratchDir = path.join(dir, 'scratch');
    await mkdir(scratchDir);
    const cwd = await scratchRepo(dir);
    const request: InvocationRequest = {
      role: 'implementation',
      prompt: PROBE_PROMPT,
      cwd,
      agent,
      scratchDir,
    };
    const invocation = invoker.buildInvocation(request);
    await writeFiles(invocation.files);
    const hardMs = (invocation.hardTimeoutSeconds ?? Infinity) * 1000;
    const outcome = await settings.runProcess({
      argv: invocation.argv,
      cwd,
      env: invocation.env,
      stdin: invocation.stdin,
      wallTimeoutMs: Math.min(settings.wallTimeoutMs, hardMs),
      inactivityTimeoutMs: settings.inactivityTimeoutMs,
      killGraceMs: KILL_GRACE_MS,
    });
    return judgeProbe(invoker, outcome, request, settings);
  } catch (error) {
    return { status: 'failed', detail: oneLine(errorMessage(error)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
