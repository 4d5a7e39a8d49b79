import { z } from 'zod';
import { ROLES } from '../config/names.js';
import { formatIssue } from '../config/format-issues.js';
import { LANES } from '../feature/types.js';

/**
 * What an event line and a snapshot must hold, checked when they are read: a hand edit or a foreign writer that
 * put `null` where a path belongs must stop the reader with the file, line and field at fault, not surface later
 * as a TypeError deep in the engine. Objects are loose (a newer version may add keys); an event type this version
 * does not know passes unchecked (the reducer skips it); error classes are any string for the same reason.
 */

const text = z.string();
const count = z.number().int().nonnegative();
const money = z.number().nonnegative();
const role = z.enum(ROLES);
const lane = z.enum(LANES);
const tokens = z.looseObject({ input: z.number().nonnegative(), output: z.number().nonnegative() });
const finding = z.looseObject({ location: text.optional(), message: text });
const wpRef = { wp: text };

const EVENT_SCHEMAS = new Map<string, z.ZodType>(
  Object.entries({
    run_started: z.looseObject({
      runId: text,
      feature: text,
      configHash: text,
      workPackages: z.array(z.looseObject({ id: text, title: text, dependencies: z.array(text) })),
    }),
    run_resumed: z.looseObject({ runId: text }),
    lane_changed: z.looseObject({ ...wpRef, lane, reason: text.optional() }),
    attempt_started: z.looseObject({
      ...wpRef,
      role,
      agent: text,
      attempt: count,
      logFile: text,
      head: text.optional(),
    }),
    attempt_finished: z.looseObject({
      ...wpRef,
      role,
      agent: text,
      attempt: count,
      success: z.boolean(),
      summary: text,
      errorClass: text.optional(),
      exitCode: z.number().int().nullable(),
      durationMs: z.number().nonnegative(),
      costUsd: money.optional(),
      tokens: tokens.optional(),
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
  return result.success ? null : formatIssue(firstIssue(result.error));
}

const attempt = z.looseObject({
  role,
  agent: text,
  attempt: count,
  startedAt: text,
  finishedAt: text.nullable(),
  success: z.boolean().nullable(),
  summary: text,
  errorClass: text.nullable(),
  exitCode: z.number().int().nullable(),
  logFile: text,
  costUsd: money,
  tokens,
  head: text.optional(),
});

const wpExecution = z.looseObject({
  wpId: text,
  title: text,
  dependencies: z.array(text),
  lane,
  implementationAgent: text.nullable(),
  reviewAgent: text.nullable(),
  implementationRetries: count,
  reviewRounds: count,
  fallbackAgentsTried: z.array(text),
  attempts: z.array(attempt),
  reviewFeedback: z.looseObject({ verdict: text, summary: text, findings: z.array(finding) }).nullable(),
  lastError: text.nullable(),
  startedAt: text.nullable(),
  completedAt: text.nullable(),
  costUsd: money,
  tokens,
});

const snapshotSchema = z.looseObject({
  version: z.literal(1),
  feature: text,
  log: z.object({ offset: count, seq: count }).optional(),
  run: z.looseObject({
    runId: text,
    feature: text,
    configHash: text,
    status: z.enum(['running', 'paused', 'completed', 'failed', 'aborted']),
    startedAt: text,
    updatedAt: text,
    completedAt: text.nullable(),
    message: text.nullable(),
    wpsTotal: count,
    wpsCompleted: count,
    wpsFailed: count,
    parallelPeak: count,
    totalInvocations: count,
    retries: count,
    fallbacks: count,
    costUsd: money,
    tokens,
    agentCooldowns: z.record(text, text),
    workPackages: z.record(text, wpExecution),
    lastSeq: count,
  }),
});

/** What is wrong with a parsed snapshot file (`field: what was expected`), or null when it is fine. */
export function snapshotProblem(value: unknown): string | null {
  const result = snapshotSchema.safeParse(value, { reportInput: true });
  return result.success ? null : formatIssue(firstIssue(result.error));
}

function firstIssue(error: z.ZodError): z.core.$ZodIssue {
  return error.issues[0] as z.core.$ZodIssue;
}
