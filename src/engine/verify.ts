import path from 'node:path';
import type { AgentResult } from '../agents/types.js';
import type { Host, Workspace } from '../host/types.js';
import type { RoleContext } from './role-runner.js';

const VERIFY_TAIL_CHARS = 2000;
/** A test suite may be slow but must end; a silent one for 10 minutes is stuck. */
const VERIFY_WALL_MS = 30 * 60_000;
const VERIFY_INACTIVITY_MS = 10 * 60_000;

export interface VerifyContext extends RoleContext {
  host: Host;
}

/** The checked result, and how many commits the WP's branch has now (the next attempt must add to them). */
export interface Verified {
  result: AgentResult;
  commits: number;
}

/**
 * Exit code 0 does not mean the work was done: the worktree must have gained a commit (changes the agent left
 * uncommitted are committed for it), and the configured verify command must pass there.
 */
export async function verifyImplementation(
  ctx: VerifyContext,
  wpId: string,
  ws: Workspace,
  commitsBefore: number,
  result: AgentResult,
): Promise<Verified> {
  const leftover = await ctx.host.commitLeftovers(
    ws,
    `${wpId}: commit changes the agent left uncommitted\n\nCommitted by kitty-orchestrator after the agent exited.`,
  );
  const commits = await ctx.host.newCommits(ws);
  const verified = (checked: AgentResult): Verified => ({ result: checked, commits: commits.length });
  if (commits.length <= commitsBefore) {
    return verified({
      ...result,
      success: false,
      errorClass: 'invalid_output',
      summary: 'the agent exited without changing anything',
    });
  }
  const note = leftover ? ' (its uncommitted changes were committed for it)' : '';
  const command = ctx.config.verify_command;
  if (!command) return verified({ ...result, summary: `${result.summary}${note}` });
  const outcome = await ctx.runProcess({
    argv: command,
    cwd: ws.path,
    wallTimeoutMs: VERIFY_WALL_MS,
    inactivityTimeoutMs: VERIFY_INACTIVITY_MS,
    logFile: path.join(ctx.logDir, `${wpId}-verify-${commits.length}.log`),
    redact: ctx.redact,
    signal: ctx.signal,
  });
  if (outcome.exitCode === 0) return verified({ ...result, summary: `${result.summary}${note}` });
  const tail = `${outcome.stdout}\n${outcome.stderr}`.trim().slice(-VERIFY_TAIL_CHARS);
  return verified({
    ...result,
    success: false,
    errorClass: 'invalid_output',
    summary: `verify command \`${command.join(' ')}\` failed (exit ${outcome.exitCode ?? outcome.signal}):\n${tail}`,
  });
}
