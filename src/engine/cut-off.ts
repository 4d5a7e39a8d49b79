import { isCutOff } from '../state/reduce-attempts.js';
import type { AttemptRecord } from '../state/types.js';
import type { Workspace } from '../host/types.js';
import { verifyImplementation, type VerifyContext } from './verify.js';
import type { Logger } from './types.js';

/**
 * An implementation attempt cut off by a crash or a stop may have committed part of its work, or all of it.
 * On resume the WP takes that work when verify accepts it (the same check a finished attempt passes), else the
 * branch goes back to the commit recorded when the attempt started (the cut-off work kept under a ref): the
 * next attempt never builds on a half-done one, and a branch never holds two attempts' versions of the work.
 */

export type CutOffOutcome =
  /** Nothing to settle: the last attempt was not a cut-off implementation (or its log predates `head`). */
  | { kind: 'none' }
  /** Its commits pass verify: they are the implementation, review is next. */
  | { kind: 'adopted'; agent: string; summary: string }
  /** The branch is back where the attempt started; implement again. */
  | { kind: 'reset' }
  /** The run is stopping: decide on the next resume. */
  | { kind: 'interrupted' };

interface CutOffContext extends VerifyContext {
  logger: Logger;
}

/** How many of `commits` (newest first) are at or below `head`; null when `head` is not on the branch. */
function commitsUpTo(commits: readonly string[], head: string, base: string): number | null {
  if (head === base) return 0;
  const index = commits.indexOf(head);
  return index === -1 ? null : commits.length - index;
}

/** Adopt or reset the work of the WP's cut-off implementation attempt, if its last attempt was one. */
export async function settleCutOff(ctx: CutOffContext, wpId: string, ws: Workspace): Promise<CutOffOutcome> {
  const last = ctx.recorder.run.workPackages[wpId]?.attempts.at(-1);
  if (!last || last.role !== 'implementation' || !isCutOff(last) || last.head === undefined) {
    return { kind: 'none' };
  }
  const head = last.head;
  const before = commitsUpTo(await ctx.host.newCommits(ws), head, ws.baseCommit);
  if (before === null) {
    ctx.logger.warn(`${wpId}: ${ws.branch} no longer contains ${head.slice(0, 12)}; left as it is`);
    return { kind: 'none' };
  }
  const summary = `Resumed: attempt ${last.attempt} of ${last.agent} was cut off; its commits pass verify.`;
  const verified = await verifyImplementation(ctx, wpId, ws, before, { success: true, summary });
  if (ctx.signal.aborted) return { kind: 'interrupted' };
  if (verified.result.success) {
    ctx.logger.info(`${wpId}: adopted the commits of cut-off attempt ${describe(last)} (verify passed)`);
    return { kind: 'adopted', agent: last.agent, summary: verified.result.summary };
  }
  const kept = await ctx.host.resetWorkspace(ws, head);
  const where = kept ? `; its work is kept as ${kept}` : '';
  ctx.logger.info(
    `${wpId}: reset ${ws.branch} to ${head.slice(0, 12)}, where cut-off attempt ${describe(last)} started${where}`,
  );
  return { kind: 'reset' };
}

const describe = (attempt: AttemptRecord): string => `${attempt.attempt} (${attempt.agent})`;
