import type { OrchestrationRun } from '../state/types.js';

/**
 * The message a human gets when WPs failed every agent: what failed and why, what is blocked behind it, where
 * the logs are, and how to go on.
 */
export function escalationMessage(run: OrchestrationRun, logDir: string): string {
  const wps = Object.values(run.workPackages);
  const failed = wps.filter((wp) => wp.lane === 'failed');
  const blocked = wps.filter((wp) => wp.lane === 'blocked').map((wp) => wp.wpId);
  const stuck = wps.filter((wp) => !['done', 'failed', 'blocked'].includes(wp.lane)).map((wp) => wp.wpId);
  const lines = [`Needs a human: ${failed.length} work package(s) failed with every agent.`];
  for (const wp of failed) lines.push(`- ${wp.wpId} (${wp.title}): ${wp.lastError ?? 'failed'}`);
  if (blocked.length) lines.push(`Blocked behind them: ${blocked.join(', ')}.`);
  if (stuck.length) lines.push(`Not started: ${stuck.join(', ')}.`);
  lines.push(`Logs: ${logDir}`);
  lines.push(
    `Fix the cause, then run \`kitty-orchestrator resume --feature ${run.feature}\` to retry the failed work packages.`,
  );
  return lines.join('\n');
}
