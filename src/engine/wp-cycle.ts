import type { AgentResult, ReviewFinding } from '../agents/types.js';
import { errorMessage, isKittyError } from '../errors.js';
import type { Feature, WorkPackage } from '../feature/types.js';
import type { Host, Workspace } from '../host/types.js';
import type { Lease } from './agent-pool.js';
import { settleCutOff } from './cut-off.js';
import { implementationPrompt, reviewPrompt } from './prompts.js';
import { runRole, type RoleContext } from './role-runner.js';
import { verifyImplementation } from './verify.js';
import type { Logger } from './types.js';

export interface CycleContext extends RoleContext {
  feature: Feature;
  host: Host;
  logger: Logger;
}

export type CycleResult = 'done' | 'failed' | 'interrupted';

type Rework = { summary: string; findings: ReviewFinding[] };

/**
 * Where a WP's cycle picks up: a fresh WP implements; a resumed one may go straight to review or rework, or
 * (approved before the crash) straight to done.
 */
interface StartPoint {
  phase: 'implement' | 'review' | 'complete' | 'interrupted';
  rework?: Rework | undefined;
  implementer?: string | undefined;
  summary: string;
}

async function startPoint(ctx: CycleContext, wpId: string, ws: Workspace): Promise<StartPoint> {
  const exec = ctx.recorder.run.workPackages[wpId];
  const lastImpl = exec?.attempts.filter((a) => a.role === 'implementation').at(-1);
  const feedback = exec?.reviewFeedback;
  const lastReview = exec?.attempts.filter((a) => a.role === 'review').at(-1);
  // Approved, then cut off before `done` was recorded: never implement (or review) it again.
  if (
    feedback?.verdict === 'approved' &&
    lastReview &&
    (!lastImpl || lastReview.startedAt >= lastImpl.startedAt)
  )
    return { phase: 'complete', summary: '' };
  const cutOff = await settleCutOff(ctx, wpId, ws);
  if (cutOff.kind === 'interrupted') return { phase: 'interrupted', summary: '' };
  if (cutOff.kind === 'adopted') {
    await ctx.recorder.record({ type: 'lane_changed', wp: wpId, lane: 'for_review', reason: cutOff.summary });
    return { phase: 'review', implementer: cutOff.agent, summary: cutOff.summary };
  }
  const reworkDone =
    lastImpl?.success === true && lastReview !== undefined && lastImpl.startedAt > lastReview.startedAt;
  if (feedback?.verdict === 'changes_requested' && !reworkDone)
    return { phase: 'implement', rework: feedback, summary: '' };
  if (exec?.lane === 'for_review' || exec?.lane === 'in_review') {
    return { phase: 'review', implementer: lastImpl?.agent, summary: lastImpl?.summary ?? '' };
  }
  // An implementation that was running when the orchestrator died may have committed already: that counts.
  if (
    exec?.lane === 'in_progress' &&
    lastImpl?.success !== false &&
    (await ctx.host.newCommits(ws)).length > 0
  ) {
    return {
      phase: 'review',
      implementer: lastImpl?.agent,
      summary: 'Resumed: the implementation commits were already there.',
    };
  }
  return { phase: 'implement', summary: '' };
}

/**
 * One WP from its worktree to done: implement -> verify -> review, back to implement on requested changes,
 * up to the configured number of review rounds.
 */
export async function runWorkPackage(
  ctx: CycleContext,
  wp: WorkPackage,
  lease?: Lease,
  workspace?: Promise<Workspace>,
): Promise<CycleResult> {
  let ws: Workspace;
  let start: StartPoint;
  try {
    ws = await (workspace ?? ctx.host.prepareWorkspace(ctx.feature, wp.id));
    start = await startPoint(ctx, wp.id, ws);
  } catch (error) {
    if (lease) ctx.pool.release(lease.agent);
    if (!isKittyError(error)) throw error;
    return fail(ctx, wp.id, errorMessage(error));
  }
  // The scheduler's lease is for an implementation; a resumed WP that goes straight on gives it back.
  if (start.phase !== 'implement' && lease) ctx.pool.release(lease.agent);
  if (start.phase === 'interrupted') return 'interrupted';
  if (start.phase === 'complete') return complete(ctx, wp.id);
  let implLease = start.phase === 'implement' ? lease : undefined;
  for (;;) {
    let implementer = start.implementer;
    let summary = start.summary;
    let reviewLease: Lease | undefined;
    if (start.phase === 'implement') {
      const impl = await implement(ctx, wp, ws, start.rework, implLease);
      implLease = undefined;
      if (impl.kind !== 'ok')
        return impl.kind === 'interrupted' ? 'interrupted' : fail(ctx, wp.id, impl.reason);
      implementer = impl.agent;
      summary = impl.result.summary;
      reviewLease = impl.kept && ctx.pool.reviewLease(impl.kept);
    }
    const review = await reviewRound(
      ctx,
      wp,
      ws,
      { implementer: implementer ?? 'unknown', summary },
      {
        lease: reviewLease,
        implemented: start.phase === 'implement',
      },
    );
    if (review.kind !== 'ok')
      return review.kind === 'interrupted' ? 'interrupted' : fail(ctx, wp.id, review.reason);
    const verdict = review.result.verdict!;
    await ctx.recorder.record({ type: 'review_verdict', wp: wp.id, agent: review.agent, ...verdict });
    if (verdict.verdict === 'approved') return complete(ctx, wp.id);
    const rounds = ctx.recorder.run.workPackages[wp.id]?.reviewRounds ?? 0;
    if (rounds >= ctx.config.review.max_rounds) {
      return fail(ctx, wp.id, `changes still requested after ${rounds} review rounds: ${verdict.summary}`);
    }
    start = { phase: 'implement', rework: verdict, summary: '' };
  }
}

async function implement(
  ctx: CycleContext,
  wp: WorkPackage,
  ws: Workspace,
  rework: Rework | undefined,
  lease?: Lease,
) {
  // Between a free slot and the agent's start, nothing waits on what it does not need: the lane goes to the log
  // while git lists the commits and stale locks are cleared; the first attempt starts from that (nothing touches
  // the worktree in between), a retry looks again (the failed attempt may have committed or left a lock).
  const [, listed] = await Promise.all([
    ctx.recorder.record({
      type: 'lane_changed',
      wp: wp.id,
      lane: 'in_progress',
      ...(rework ? { reason: 'changes requested' } : {}),
    }),
    ctx.host.newCommits(ws),
    clearLocks(ctx, ws),
  ]);
  let commitsBefore = listed.length;
  let prepared: string[] | null = listed;
  const outcome = await runRole(ctx, {
    wpId: wp.id,
    role: 'implementation',
    cwd: ws.path,
    lease,
    beforeAttempt: async () => {
      const commits = prepared ?? (await Promise.all([ctx.host.newCommits(ws), clearLocks(ctx, ws)]))[0];
      prepared = null;
      return { head: commits[0] ?? ws.baseCommit };
    },
    // Single-agent mode: the implementer reviews next, so its slot goes straight on to the review.
    keepSlot: (agent) => ctx.pool.reviewsOwnWork(agent),
    prompt: (_agent, lastFailure) =>
      implementationPrompt({
        feature: ctx.feature,
        wp,
        branch: ws.branch,
        rework: rework ?? asRework(lastFailure),
      }),
    check: async (result) => {
      const verified = await verifyImplementation(ctx, wp.id, ws, commitsBefore, result);
      commitsBefore = verified.commits;
      return verified.result;
    },
  });
  // Success: `for_review` is recorded by the review round, in the same append as `in_review`.
  return outcome;
}

/** A failed attempt's explanation, handed to the next attempt as something to fix. */
function asRework(lastFailure: AgentResult | null): Rework | undefined {
  if (!lastFailure) return undefined;
  return {
    summary: 'Your previous attempt failed.',
    findings: [{ message: lastFailure.summary || lastFailure.errorClass || 'failed' }],
  };
}

async function reviewRound(
  ctx: CycleContext,
  wp: WorkPackage,
  ws: Workspace,
  { implementer, summary }: { implementer: string; summary: string },
  { lease, implemented }: { lease: Lease | undefined; implemented: boolean },
) {
  // Straight from a successful implementation, both lane changes go to the log in one append.
  const lanes = [
    ...(implemented ? [{ type: 'lane_changed', wp: wp.id, lane: 'for_review' } as const] : []),
    { type: 'lane_changed', wp: wp.id, lane: 'in_review' } as const,
  ];
  // The first attempt's stale locks are cleared meanwhile too; a retry clears them again.
  const [, diff] = await Promise.all([
    ctx.recorder.record(...lanes),
    ctx.host.diff(ws),
    clearLocks(ctx, ws),
  ]).catch((error: unknown) => {
    if (lease) ctx.pool.release(lease.agent);
    throw error;
  });
  let cleared = true;
  return runRole(ctx, {
    wpId: wp.id,
    role: 'review',
    cwd: ws.path,
    implementer,
    lease,
    beforeAttempt: async () => {
      if (!cleared) await clearLocks(ctx, ws);
      cleared = false;
      return {};
    },
    prompt: () =>
      reviewPrompt({ feature: ctx.feature, wp, implementer, implementationSummary: summary, diff }),
  });
}

/** A lock a killed git command left must not fail the attempt; a failure to look is only worth a warning. */
async function clearLocks(ctx: CycleContext, ws: Workspace): Promise<void> {
  await ctx.host.clearStaleLocks(ws).catch((error: unknown) => {
    ctx.logger.warn(`${ws.wpId}: could not check ${ws.path} for stale git locks: ${errorMessage(error)}`);
  });
}

async function complete(ctx: CycleContext, wpId: string): Promise<CycleResult> {
  await ctx.host.markSubtasksDone(ctx.feature, wpId);
  await ctx.host.setLane(ctx.feature, wpId, 'done');
  await ctx.recorder.record({ type: 'lane_changed', wp: wpId, lane: 'done' });
  return 'done';
}

async function fail(ctx: CycleContext, wpId: string, reason: string): Promise<CycleResult> {
  ctx.logger.warn(`${wpId} failed: ${reason}`);
  await ctx.recorder.record({ type: 'wp_failed', wp: wpId, reason });
  return 'failed';
}
