import type { TokenUsage } from '../agents/types.js';
import type { Role } from '../config/schema.js';
import type { AttemptRecord, OrchestrationEvent, OrchestrationRun, WPExecution } from './types.js';

/** The reducer's attempt bookkeeping, split from reduce.ts: attempts, retries, cost, tokens, WPs in flight. */

export type EventOf<T extends OrchestrationEvent['type']> = Extract<OrchestrationEvent, { type: T }>;

/** A writable view of the run being built: `wp()` hands out a WP the handlers may assign to. */
export interface Draft {
  run: OrchestrationRun;
  /** True when arrays may be pushed to in place (reduce); false when they must be copied (applyEvent). */
  inPlace: boolean;
  /** WPs whose latest attempt is open, kept up to date so `parallelPeak` needs no scan per event. */
  inFlight: number;
  wp(id: string): WPExecution | undefined;
}

export const ZERO_TOKENS: TokenUsage = { input: 0, output: 0 };
const INTERRUPTED = 'interrupted: the run stopped before this attempt finished';

/**
 * An attempt closed because the run stopped under it (see closeOpenAttempts): it never reported an exit code or
 * an error class, which every attempt that really ended (even killed by a timeout) does.
 */
export function isCutOff(attempt: AttemptRecord): boolean {
  return attempt.success === false && attempt.exitCode === null && attempt.errorClass === null;
}

/** A WP is in flight while its latest attempt is open (the engine runs one attempt per WP at a time). */
export function isInFlight(wp: WPExecution): boolean {
  return wp.attempts.at(-1)?.finishedAt === null;
}

/**
 * Attempts still open when a run stops (paused: the engine records no finish for an agent it stopped) or
 * resumes (the previous process died with its agents) will never finish: close them as interrupted, or they
 * would look in flight forever and inflate `parallelPeak`.
 */
export function closeOpenAttempts(draft: Draft, at: string): void {
  const { run } = draft;
  for (const id of Object.keys(run.workPackages)) {
    const open = run.workPackages[id]?.attempts.filter((a) => a.finishedAt === null).length ?? 0;
    if (open === 0) continue;
    const wp = draft.wp(id) as WPExecution;
    wp.attempts = wp.attempts.map((a) =>
      a.finishedAt === null ? { ...a, finishedAt: at, success: false, summary: INTERRUPTED } : a,
    );
    // They did run (and may have cost money the agent never reported): count them as invocations.
    run.totalInvocations += open;
  }
  draft.inFlight = 0;
}

export function attemptStarted(draft: Draft, event: EventOf<'attempt_started'>): void {
  const wp = draft.wp(event.wp);
  if (!wp) return;
  const wasInFlight = isInFlight(wp);
  countAttempt(draft.run, wp, event.role, event.agent);
  const record = openRecord(event.role, event.agent, event.attempt, event.at, event.logFile);
  if (typeof event.head === 'string') record.head = event.head;
  wp.attempts = append(draft, wp.attempts, record);
  if (!wasInFlight) draft.inFlight++;
  draft.run.parallelPeak = Math.max(draft.run.parallelPeak, draft.inFlight);
}

/** Book a new attempt of `role`: the role's agent, and a retry when the role had an attempt before. */
function countAttempt(run: OrchestrationRun, wp: WPExecution, role: Role, agent: string): void {
  const isImplementation = role === 'implementation';
  // The role's agent is set by its first attempt, so a non-null agent means this one is a retry; unless the
  // previous attempt was cut short by the run stopping: running it again is the resume, not a retry.
  const resumed = wp.attempts.filter((a) => a.role === role).at(-1)?.summary === INTERRUPTED;
  const isRetry = (isImplementation ? wp.implementationAgent : wp.reviewAgent) !== null && !resumed;
  if (isRetry) run.retries++;
  if (isImplementation) {
    if (isRetry) wp.implementationRetries++;
    wp.implementationAgent = agent;
  } else {
    wp.reviewAgent = agent;
  }
}

function openRecord(role: Role, agent: string, attempt: number, at: string, logFile: string): AttemptRecord {
  const tokens = { ...ZERO_TOKENS };
  return {
    role,
    agent,
    attempt,
    startedAt: at,
    finishedAt: null,
    success: null,
    summary: '',
    errorClass: null,
    exitCode: null,
    logFile,
    costUsd: 0,
    tokens,
  };
}

export function attemptFinished(draft: Draft, event: EventOf<'attempt_finished'>): void {
  const { run } = draft;
  const cost = finiteOrZero(event.costUsd);
  const tokens = addTokens(ZERO_TOKENS, event.tokens);
  run.totalInvocations++;
  run.costUsd += cost;
  run.tokens = addTokens(run.tokens, tokens);
  const wp = draft.wp(event.wp);
  if (!wp) return;
  wp.costUsd += cost;
  wp.tokens = addTokens(wp.tokens, tokens);
  const wasInFlight = isInFlight(wp);
  const index = findOpenAttempt(wp.attempts, event);
  // A finish without a recorded start (a log cut short) still counts as an attempt, so its cost is not lost.
  if (index < 0) countAttempt(run, wp, event.role, event.agent);
  const base = wp.attempts[index] ?? openRecord(event.role, event.agent, event.attempt, event.at, '');
  const finished: AttemptRecord = {
    ...base,
    finishedAt: event.at,
    success: event.success,
    summary: event.summary,
    errorClass: event.errorClass ?? null,
    exitCode: event.exitCode,
    costUsd: cost,
    tokens,
  };
  wp.attempts =
    index < 0 ? append(draft, wp.attempts, finished) : replace(draft, wp.attempts, index, finished);
  draft.inFlight += Number(isInFlight(wp)) - Number(wasInFlight);
}

function findOpenAttempt(attempts: readonly AttemptRecord[], event: EventOf<'attempt_finished'>): number {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i] as AttemptRecord;
    if (
      a.finishedAt === null &&
      a.role === event.role &&
      a.agent === event.agent &&
      a.attempt === event.attempt
    ) {
      return i;
    }
  }
  return -1;
}

export function append<T>(draft: Draft, list: T[], item: T): T[] {
  if (!draft.inPlace) return [...list, item];
  list.push(item);
  return list;
}

function replace<T>(draft: Draft, list: T[], index: number, item: T): T[] {
  const target = draft.inPlace ? list : [...list];
  target[index] = item;
  return target;
}

function addTokens(a: TokenUsage, b: TokenUsage | undefined): TokenUsage {
  return { input: a.input + finiteOrZero(b?.input), output: a.output + finiteOrZero(b?.output) };
}

function finiteOrZero(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}
