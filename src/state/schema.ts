import * as z from 'zod/mini';
import { ROLES } from '../config/names.js';
import { formatPlainIssue } from '../config/issue-message.js';
import { LANES } from '../feature/types.js';

/**
 * What an event line and a snapshot must hold, checked when they are read: a hand edit or a foreign writer that
 * put `null` where a path belongs must stop the reader with the file, line and field at fault, not surface later
 * as a TypeError deep in the engine. Objects are loose (a newer version may add keys); an event type this version
 * does not know passes unchecked (the reducer skips it); error classes are any string for the same reason.
 */

const text = z.string();
const count = z.int().check(z.nonnegative());
const amount = z.number().check(z.nonnegative());
const role = z.enum(ROLES);
const lane = z.enum(LANES);
const tokens = z.looseObject({ input: amount, output: amount });
const finding = z.looseObject({ location: z.optional(text), message: text });
const wpRef = { wp: text };

const EVENT_SCHEMAS = new Map<string, z.ZodMiniType>(
  Object.entries({
    run_started: z.looseObject({
      runId: text,
      feature: text,
      configHash: text,
      workPackages: z.array(z.looseObject({ id: text, title: text, dependencies: z.array(text) })),
    }),
    run_resumed: z.looseObject({ runId: text }),
    lane_changed: z.looseObject({ ...wpRef, lane, reason: z.optional(text) }),
    attempt_started: z.looseObject({
      ...wpRef,
      role,
      agent: text,
      attempt: count,
      logFile: text,
      head: z.optional(text),
    }),
    attempt_finished: z.looseObject({
      ...wpRef,
      role,
      agent: text,
      attempt: count,
      success: z.boolean(),
      summary: text,
      errorClass: z.optional(text),
      exitCode: z.nullable(z.int()),
      durationMs: amount,
      costUsd: z.optional(amount),
      tokens: z.optional(tokens),
    }),
    review_verdict: z.looseObject({
      ...wpRef,
      agent: text,
      verdict: z.enum(['approved', 'changes_requested']),
      summary: text,
      findings: z.array(finding),
    }),
    fallback: z.looseObject({ ...wpRef, role, from: text, to: text, reason: text }),
    agent_cooldown: z.looseObject({ agent: text, until: text, reason: text }),
    wp_failed: z.looseObject({ ...wpRef, reason: text }),
    wp_blocked: z.looseObject({ ...wpRef, by: text }),
    run_finished: z.looseObject({
      status: z.enum(['paused', 'completed', 'failed', 'aborted']),
      message: text,
    }),
  }),
);

/** What is wrong with an event of `type` (`field: what was expected`), or null when it is fine or unknown. */
export function eventProblem(type: string, value: unknown): string | null {
  // A Map, not an object: a type named `toString` must not find Object.prototype's.
  const schema = EVENT_SCHEMAS.get(type);
  if (schema === undefined) return null;
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? null : formatPlainIssue(firstIssue(result.error));
}

const attempt = z.looseObject({
  role,
  agent: text,
  attempt: count,
  startedAt: text,
  finishedAt: z.nullable(text),
  success: z.nullable(z.boolean()),
  summary: text,
  errorClass: z.nullable(text),
  exitCode: z.nullable(z.int()),
  logFile: text,
  costUsd: amount,
  tokens,
  head: z.optional(text),
});

const wpExecution = z.looseObject({
  wpId: text,
  title: text,
  dependencies: z.array(text),
  lane,
  implementationAgent: z.nullable(text),
  reviewAgent: z.nullable(text),
  implementationRetries: count,
  reviewRounds: count,
  fallbackAgentsTried: z.array(text),
  attempts: z.array(attempt),
  reviewFeedback: z.nullable(z.looseObject({ verdict: text, summary: text, findings: z.array(finding) })),
  lastError: z.nullable(text),
  startedAt: z.nullable(text),
  completedAt: z.nullable(text),
  costUsd: amount,
  tokens,
});

const snapshotSchema = z.looseObject({
  version: z.literal(1),
  feature: text,
  log: z.optional(z.object({ offset: count, seq: count })),
  run: z.looseObject({
    runId: text,
    feature: text,
    configHash: text,
    status: z.enum(['running', 'paused', 'completed', 'failed', 'aborted']),
    startedAt: text,
    updatedAt: text,
    completedAt: z.nullable(text),
    message: z.nullable(text),
    wpsTotal: count,
    wpsCompleted: count,
    wpsFailed: count,
    parallelPeak: count,
    totalInvocations: count,
    retries: count,
    fallbacks: count,
    costUsd: amount,
    tokens,
    agentCooldowns: z.record(text, text),
    workPackages: z.record(text, wpExecution),
    lastSeq: count,
  }),
});

/** What is wrong with a parsed snapshot file (`field: what was expected`), or null when it is fine. */
export function snapshotProblem(value: unknown): string | null {
  const result = snapshotSchema.safeParse(value, { reportInput: true });
  return result.success ? null : formatPlainIssue(firstIssue(result.error));
}

function firstIssue(error: z.core.$ZodError): z.core.$ZodIssue {
  return error.issues[0] as z.core.$ZodIssue;
}
