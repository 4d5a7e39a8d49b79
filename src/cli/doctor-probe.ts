/**
 * `doctor --probe`: run one installed agent CLI once, exactly as `orchestrate` would (the invoker's argv, prompt
 * delivery and parser, the real process runner with its timeouts and process-group kill), on a trivial prompt
 * in a throwaway git repository, and say whether it is usable or why not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentConfig, Role } from '../config/schema.js';
import type { AgentInvoker, ErrorClass, InvocationRequest } from '../agents/types.js';
import { lineKind } from '../agents/liveness.js';
import { errorMessage } from '../errors.js';
import type { ProcessOutcome, ProcessRunner } from '../executor/types.js';
import { git } from '../git/index.js';

export const PROBE_PROMPT = 'Reply with the word OK.';

export const PROBE_STATUSES = [
  'usable',
  'auth_failed',
  'rate_limited',
  'flags_rejected',
  /** Only waited for its provider (reconnect notices, or silence from a CLI that streams events). */
  'offline',
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

/** Turn the finished probe into a verdict, read with the invoker's own parser and the shared classifier; the
 * detail keeps what the CLI itself said (a reconnect notice, a login hint), not only how the probe ended. */
export function judgeProbe(
  invoker: AgentInvoker,
  outcome: ProcessOutcome,
  request: InvocationRequest,
): ProbeReport {
  if (outcome.exitCode === 127) {
    return {
      status: 'failed',
      detail: `${request.agent.command ?? invoker.binaries[0] ?? invoker.id}: not found`,
    };
  }
  const result = invoker.parseOutcome(outcome, request);
  const detail = oneLine(result.summary);
  if (result.success) return { status: 'usable', detail };
  return { status: probeStatus(result.errorClass), detail: withReset(detail, result.rateLimitResetAt) };
}

function withReset(detail: string, resetAt: string | undefined): string {
  return resetAt ? `${detail} (resets ${resetAt})` : detail;
}

function probeStatus(errorClass: ErrorClass | undefined): ProbeStatus {
  switch (errorClass) {
    case 'usage':
      return 'flags_rejected';
    case 'auth':
      return 'auth_failed';
    case 'rate_limit':
      return 'rate_limited';
    case 'network':
      return 'offline';
    case 'timeout':
    case 'stalled':
      return 'timed_out';
    case 'invalid_output':
    case 'crash':
    case undefined:
      return 'failed';
  }
}

/** Probe one agent. Never throws: a probe that cannot even start is reported as failed. */
export async function probeAgent(
  invoker: AgentInvoker,
  agent: AgentConfig,
  role: Role,
  settings: ProbeSettings,
): Promise<ProbeReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `kitty-doctor-${invoker.id}-${role}-`));
  try {
    const scratchDir = path.join(dir, 'scratch');
    await mkdir(scratchDir);
    const cwd = await scratchRepo(dir);
    const request: InvocationRequest = {
      role,
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
      // An offline CLI (reconnect notices only, or silence from one that streams) is told apart by then.
      liveness: {
        kind: lineKind,
        waitLimitMs: settings.inactivityTimeoutMs,
        silenceIsWaiting: invoker.streamsEvents === true,
      },
    });
    return judgeProbe(invoker, outcome, request);
  } catch (error) {
    return { status: 'failed', detail: oneLine(errorMessage(error)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
