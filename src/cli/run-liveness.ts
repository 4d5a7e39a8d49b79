import { hostname } from 'node:os';
import { isProcessAlive } from '../executor/process-tree.js';
import { toRunView, type RunView } from '../report/view-model.js';
import { statePaths } from '../state/file-store.js';
import { readOwner } from '../state/lock-owner.js';
import type { OrchestrationRun } from '../state/types.js';

/**
 * The log of a run whose orchestrator was killed (kill -9, a forced Ctrl+C, a reboot) ends without
 * `run_finished`: it reads "running" forever. Whoever shows it must look at the orchestrator's process.
 */

/** The pid of the dead orchestrator of a run recorded as running (null when unknown); undefined when live. */
export async function deadOrchestrator(
  repoDir: string,
  run: OrchestrationRun,
): Promise<{ pid: number | null } | undefined> {
  if (run.status !== 'running') return undefined;
  const owner = await readOwner(statePaths(repoDir, run.feature).featureDir);
  // The lock's holder removes owner.json when it lets go: no owner means nobody runs it.
  if (owner === null) return { pid: null };
  // On another machine (a shared directory) we cannot look: it may well be running.
  if (owner.hostname !== hostname() || isProcessAlive(owner.pid)) return undefined;
  return { pid: owner.pid };
}

/** The view of a run, `interrupted` (with the way on) when its orchestrator is gone. */
export async function statusView(repoDir: string, run: OrchestrationRun, now: Date): Promise<RunView> {
  const dead = await deadOrchestrator(repoDir, run);
  if (dead === undefined) return toRunView(run, now);
  // Its clocks stopped with the orchestrator: the last event is when.
  const view = toRunView({ ...run, completedAt: run.updatedAt }, now);
  const who = dead.pid === null ? 'its orchestrator' : `pid ${dead.pid}`;
  const message = `interrupted: ${who} is gone; resume with \`kitty-orchestrator resume --feature ${run.feature}\``;
  return { ...view, status: 'interrupted', message };
}
