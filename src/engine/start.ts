import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { configHash } from '../config/index.js';
import { groupHasLiveMembers } from '../executor/process-tree.js';
import { KittyError } from '../errors.js';
import type { Lane } from '../feature/types.js';
import type { StartingLane } from '../host/types.js';
import type { NewEvent, OrchestrationRun, RunBudget, RunStatus } from '../state/types.js';
import { pidDir } from './attempt.js';
import type { Recorder } from './recorder.js';
import type { OrchestrateOptions } from './types.js';

/** Lanes a resumed run takes up again: a failed or blocked WP gets another go after the human fixed the cause. */
const RETRY_ON_RESUME: readonly Lane[] = ['failed', 'blocked'];

export function isUnfinished(run: OrchestrationRun | null): run is OrchestrationRun {
  return run !== null && (run.status === 'running' || run.status === 'paused');
}

/** What `resume` continues: an unfinished run, or an aborted one (its finished WPs are kept). */
const RESUMABLE: readonly RunStatus[] = ['running', 'paused', 'aborted'];

/** The message an aborted run ends with: what `abort` and a stop for good both record. */
export function abortedMessage(feature: string): string {
  return `Run aborted. Continue it with \`kitty-orchestrator resume --feature ${feature}\` (finished WPs are kept), or start over with \`kitty-orchestrator orchestrate --feature ${feature}\`.`;
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
    if (!previous || !RESUMABLE.includes(previous.status)) {
      const why = previous ? `its last run is ${previous.status}` : 'no run was recorded';
      throw new KittyError(
        'state',
        `no unfinished run of ${slug} to resume (${why}); start one with \`kitty-orchestrator orchestrate --feature ${slug}\``,
      );
    }
    await recorder.record(
      { type: 'run_resumed', runId: previous.runId },
      ...resumeResets(previous),
      ...budgetChange(previous, options.config.budget),
    );
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
    ...budgetChange(null, options.config.budget),
  );
}

/** A budget_set event when the configured limits differ from the run's (none for a run that never had any). */
function budgetChange(run: OrchestrationRun | null, budget: RunBudget): NewEvent[] {
  const current = run?.budget ?? {
    max_usd: null,
    max_usd_per_wp: null,
    max_tokens: null,
    max_tokens_per_wp: null,
  };
  const same = (Object.keys(current) as (keyof RunBudget)[]).every((key) => current[key] === budget[key]);
  return same ? [] : [{ type: 'budget_set', budget: { ...budget } }];
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
    // A read-only log dir must not stop the run: the file is only a note, and the group is gone now.
    await rm(path.join(dir, file), { force: true }).catch(() => undefined);
  }
  return stopped;
}
