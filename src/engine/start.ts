import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { configHash } from '../config/index.js';
import { groupHasLiveMembers } from '../executor/process-tree.js';
import { KittyError } from '../errors.js';
import type { Lane } from '../feature/types.js';
import type { StartingLane } from '../host/types.js';
import type { NewEvent, OrchestrationRun } from '../state/types.js';
import { pidDir } from './attempt.js';
import type { Recorder } from './recorder.js';
import type { OrchestrateOptions } from './types.js';

/** Lanes a resumed run takes up again: a failed or blocked WP gets another go after the human fixed the cause. */
const RETRY_ON_RESUME: readonly Lane[] = ['failed', 'blocked'];

export function isUnfinished(run: OrchestrationRun | null): run is OrchestrationRun {
  return run !== null && (run.status === 'running' || run.status === 'paused');
}

/** Record the start of a new run, or the resumption of the last one, as `options.resume` asks. */
export async function startOrResume(
  recorder: Recorder,
  options: OrchestrateOptions,
  resume: boolean,
): Promise<void> {
  const previous = recorder.hasRun ? recorder.run : null;
  const slug = options.feature.slug;
  if (resume) {
    if (!isUnfinished(previous)) {
      throw new KittyError(
        'state',
        `no unfinished run of ${slug} to resume; start one with \`kitty-orchestrator orchestrate --feature ${slug}\``,
      );
    }
    await recorder.record({ type: 'run_resumed', runId: previous.runId }, ...resumeResets(previous));
    return;
  }
  if (isUnfinished(previous)) {
    throw new KittyError(
      'state',
      `${slug} has an unfinished run (${previous.status}, started ${previous.startedAt}); continue it with \`kitty-orchestrator resume --feature ${slug}\`, or abort it first with \`kitty-orchestrator abort --feature ${slug}\``,
    );
  }
  await recorder.record(
    {
      type: 'run_started',
      runId: randomUUID(),
      feature: slug,
      configHash: configHash(options.config),
      workPackages: options.feature.workPackages.map(({ id, title, dependencies }) => ({
        id,
        title,
        dependencies,
      })),
    },
    ...alreadyDone(options, previous, await options.host.startingLanes?.(options.feature)),
  );
}

/**
 * WPs done before this run (by spec-kitty's lanes, or by an earlier run of ours) are not done again; a host
 * that keeps lanes of its own also names the WPs that are canceled or held by someone else.
 */
function alreadyDone(
  options: OrchestrateOptions,
  previous: OrchestrationRun | null,
  hostLanes: ReadonlyMap<string, StartingLane> | undefined,
): NewEvent[] {
  return options.feature.workPackages.flatMap((wp): NewEvent[] => {
    const held = hostLanes?.get(wp.id);
    if (previous?.workPackages[wp.id]?.lane === 'done' || (!hostLanes && wp.lane === 'done')) {
      return [{ type: 'lane_changed', wp: wp.id, lane: 'done', reason: 'already done before this run' }];
    }
    return held ? [{ type: 'lane_changed', wp: wp.id, lane: held.lane, reason: held.reason }] : [];
  });
}

function resumeResets(run: OrchestrationRun): NewEvent[] {
  return Object.values(run.workPackages)
    .filter((wp) => RETRY_ON_RESUME.includes(wp.lane))
    .map((wp) => ({ type: 'lane_changed', wp: wp.wpId, lane: 'planned', reason: 'resumed' }) as const);
}

/**
 * Agents of a run whose orchestrator died (kill -9, reboot) may still be running: stop them before their WPs
 * are looked at again, so nothing works on a worktree twice at once.
 */
export async function stopLeftoverAgents(
  logDir: string,
  kill: (pid: number) => Promise<void>,
): Promise<number[]> {
  const dir = pidDir(logDir);
  const files = await readdir(dir).catch(() => [] as string[]);
  const stopped: number[] = [];
  for (const file of files) {
    const pid = Number.parseInt(await readFile(path.join(dir, file), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 1 && groupHasLiveMembers(pid)) {
      await kill(pid);
      stopped.push(pid);
    }
    await rm(path.join(dir, file), { force: true });
  }
  return stopped;
}
