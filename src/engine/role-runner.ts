import type { AgentResult } from '../agents/types.js';
import type { Config, Role } from '../config/schema.js';
import type { AgentPool, Lease } from './agent-pool.js';
import { runAttempt, type AttemptContext } from './attempt.js';
import { wpBreach } from './budget.js';
import { decide } from './policy.js';
import { usageMessage } from './switch-off.js';
import type { Clock } from './types.js';

export type RoleOutcome =
  /** `kept`: the agent's slot, still held, when the job asked to keep it (`keepSlot`). */
  | { kind: 'ok'; agent: string; result: AgentResult; kept?: Lease | undefined }
  | { kind: 'failed'; reason: string }
  | { kind: 'interrupted' };

export interface RoleContext extends AttemptContext {
  config: Config;
  pool: AgentPool;
  clock: Clock;
}

export interface RoleJob {
  wpId: string;
  role: Role;
  cwd: string;
  /** The implementer, so review goes to someone else when anyone else can review. */
  implementer?: string | undefined;
  /** A lease the scheduler already took for this job. */
  lease?: Lease | undefined;
  /** Builds the prompt; `lastFailure` is the previous failed attempt of this job, if any. */
  prompt: (agent: string, lastFailure: AgentResult | null) => Promise<string> | string;
  check?: ((result: AgentResult) => Promise<AgentResult>) | undefined;
  /**
   * Runs before each attempt (the WP's stale git locks are removed there); may return the WP branch's commit
   * now, recorded with the attempt.
   */
  beforeAttempt?: (() => Promise<{ head?: string | undefined }>) | undefined;
  /**
   * Whether to keep `agent`'s slot past a successful attempt, for the WP's next step (otherwise the slot is
   * freed the moment the agent's process exits, before checks, so another job can start).
   */
  keepSlot?: ((agent: string) => boolean) | undefined;
}

/** Mutable bookkeeping of one job: which agents it gave up on, who it is pinned to, how often each failed. */
interface JobState {
  excluded: string[];
  pinned: string | null;
  current: string | null;
  failures: Map<string, number>;
  lastFailure: AgentResult | null;
  reasons: string[];
}

function nextAttemptNumber(ctx: RoleContext, wpId: string, role: Role): number {
  const wp = ctx.recorder.run.workPackages[wpId];
  return (wp?.attempts.filter((a) => a.role === role).length ?? 0) + 1;
}

/** Get a lease for the job, waiting for a busy or cooling agent; null when no agent can ever serve it. */
function acquire(ctx: RoleContext, job: RoleJob, state: JobState): Promise<Lease | null> {
  return ctx.pool.acquire(
    {
      role: job.role,
      exclude: state.excluded,
      implementer: job.implementer,
      agent: state.pinned ?? undefined,
    },
    ctx.signal,
  );
}

/**
 * Run a role (implementation or review) of one WP to a successful invocation: retrying, cooling down and
 * falling back to other agents as the policy says, until it succeeds, every agent has failed, or the run stops.
 */
export async function runRole(ctx: RoleContext, job: RoleJob): Promise<RoleOutcome> {
  const state: JobState = {
    excluded: [],
    pinned: null,
    current: null,
    failures: new Map(),
    lastFailure: null,
    reasons: [],
  };
  let lease = job.lease ?? null;
  for (;;) {
    // At a spending limit no new invocation starts (checked again after a wait for a slot): the WP waits,
    // resumable, for a higher limit.
    const overBudget = () => wpBreach(ctx.recorder.run, job.wpId, ctx.config.budget) !== null;
    if (!overBudget()) lease ??= await acquire(ctx, job, state);
    if (ctx.signal.aborted || overBudget()) {
      if (lease) ctx.pool.release(lease.agent);
      return { kind: 'interrupted' };
    }
    if (!lease) return { kind: 'failed', reason: exhaustedReason(job, state) };
    const outcome = await attemptWith(ctx, job, state, lease);
    lease = null;
    if (outcome) return outcome;
  }
}

async function attemptWith(
  ctx: RoleContext,
  job: RoleJob,
  state: JobState,
  lease: Lease,
): Promise<RoleOutcome | null> {
  const { agent } = lease;
  const keep = job.keepSlot?.(agent) ?? false;
  let held = true;
  const release = () => {
    if (held) ctx.pool.release(agent);
    held = false;
  };
  try {
    if (state.current && state.current !== agent) {
      await ctx.recorder.record({
        type: 'fallback',
        wp: job.wpId,
        role: job.role,
        from: state.current,
        to: agent,
        reason: state.reasons.at(-1) ?? 'previous agent failed',
      });
    }
    state.current = agent;
    if (lease.singleAgentDelayMs > 0) await ctx.clock.sleep(lease.singleAgentDelayMs, ctx.signal);
    const { head } = (await job.beforeAttempt?.()) ?? {};
    const outcome = await runAttempt(ctx, {
      wpId: job.wpId,
      role: job.role,
      agent,
      agentConfig: ctx.config.agents[agent]!,
      attempt: nextAttemptNumber(ctx, job.wpId, job.role),
      prompt: await job.prompt(agent, state.lastFailure),
      cwd: job.cwd,
      head,
      check: job.check,
      onProcessExit: keep ? undefined : release,
    });
    if (outcome.interrupted) return { kind: 'interrupted' };
    if (outcome.result.success) {
      ctx.pool.succeeded(agent);
      if (!keep) return { kind: 'ok', agent, result: outcome.result };
      held = false; // handed to the caller
      return { kind: 'ok', agent, result: outcome.result, kept: lease };
    }
    release();
    return await afterFailure(ctx, job, state, agent, outcome.result);
  } finally {
    release();
  }
}

async function afterFailure(
  ctx: RoleContext,
  job: RoleJob,
  state: JobState,
  agent: string,
  result: AgentResult,
): Promise<RoleOutcome | null> {
  ctx.pool.failed(agent);
  const failures = (state.failures.get(agent) ?? 0) + 1;
  state.failures.set(agent, failures);
  state.lastFailure = result;
  const errorClass = result.errorClass ?? 'crash';
  state.reasons.push(`${agent}: ${errorClass}${result.summary ? ` (${firstLine(result.summary)})` : ''}`);
  const decision = decide({
    errorClass,
    strategy: ctx.config.fallback.strategy,
    maxRetries: ctx.config.fallback.max_retries,
    backoffMs: ctx.config.fallback.backoff_seconds * 1000,
    failuresWithAgent: failures,
    rateLimitResetAt: result.rateLimitResetAt ? new Date(result.rateLimitResetAt) : null,
    agentFailuresInRow: ctx.pool.health.get(agent)?.consecutiveFailures ?? failures,
    now: ctx.clock.now(),
  });
  if (errorClass === 'usage') await reportUsage(ctx, job, state, agent, result);
  switch (decision.action) {
    case 'retry':
      state.pinned = agent;
      await ctx.clock.sleep(decision.delayMs, ctx.signal);
      return null;
    case 'give_up':
      return {
        kind: 'failed',
        reason: `${job.role} of ${job.wpId} failed: ${decision.reason}; ${state.reasons.join('; ')}`,
      };
    case 'fallback':
      state.pinned = null;
      if (decision.disableAgent) ctx.pool.disable(agent);
      if (decision.cooldownUntil) {
        ctx.pool.coolDown(agent, decision.cooldownUntil);
        await ctx.recorder.record({
          type: 'agent_cooldown',
          agent,
          until: decision.cooldownUntil.toISOString(),
          reason: errorClass === 'network' ? 'cannot reach its provider' : 'rate limited',
        });
      }
      // A cooled-down agent is eligible again, until it has used up its retries here too.
      if (!decision.cooldownUntil || failures > ctx.config.fallback.max_retries) state.excluded.push(agent);
      return null;
  }
}

/** A CLI that rejects its arguments is switched off for the run: say which CLI, which version, what it said. */
async function reportUsage(
  ctx: RoleContext,
  job: RoleJob,
  state: JobState,
  agent: string,
  result: AgentResult,
): Promise<void> {
  const message = await usageMessage(ctx.runProcess, agent, ctx.config.agents[agent]!, job.cwd, result);
  ctx.logger?.warn(message);
  state.reasons[state.reasons.length - 1] = message;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function exhaustedReason(job: RoleJob, state: JobState): string {
  const tried = state.reasons.length ? `: ${state.reasons.join('; ')}` : ' (no enabled agent has this role)';
  return `no agent left to do the ${job.role} of ${job.wpId}${tried}`;
}
