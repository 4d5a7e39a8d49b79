import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import { stopLeftoverAgents } from '../engine/start.js';
import { terminateGroup } from '../executor/process-tree.js';
import { createRunRedactor } from '../git/credentials.js';
import { currentBranch } from '../git/repo.js';
import { featureLogDir } from '../run-feature.js';
import { readEventLog, reduce, statePaths } from '../state/index.js';
import type { OrchestrationRun } from '../state/types.js';
import { readRunContext } from './context.js';
import { maskSecrets } from './env.js';
import { readSettings } from './inputs.js';
import { lookupClient, withPullRequest } from './pull-request.js';
import {
  AGENT_KILL_GRACE_MS,
  createSession,
  reportingContext,
  stateStores,
  type ActionDeps,
} from './session.js';
import { announceOutcome } from './outputs.js';
import { readStepState, saveStepState } from './step-state.js';

/**
 * The post step (`post-if: always()`): when the main step was cancelled or died before finishing, save the
 * state it left on disk and finalise the reports, so a re-run resumes and no comment is left saying "running".
 * When the main step finished, there is nothing to do.
 */
export async function runPost(deps: ActionDeps): Promise<void> {
  const state = readStepState();
  if (state.phase === null || state.phase === 'refused' || state.phase === 'done' || state.feature === null) {
    deps.logger.debug(`post: nothing to do (main step phase ${state.phase ?? 'unset'})`);
    return;
  }
  const payloadContext = readRunContext(deps.env);
  const settings = readSettings(payloadContext.workspace);
  maskSecrets(deps.env, settings.githubToken, deps.logger);
  // As in the main step: a check run this step opens goes on the PR's head, for issue_comment too.
  const client = lookupClient(settings.githubToken, payloadContext, deps);
  const context = await withPullRequest(payloadContext, client, deps.logger);
  deps.logger.info(
    'The main step did not finish: saving the orchestration state and finalising the reports.',
  );
  const branch = settings.overrides.baseBranch ?? (await currentBranch(settings.repoDir));
  const redact = await createRunRedactor(settings.repoDir, deps.env, [settings.githubToken]);
  const stores = stateStores(settings, context, state.feature, deps, branch);
  const meta = (await stores.ref?.readMeta()) ?? null;
  const session = createSession(
    settings,
    reportingContext(context, meta),
    state.feature,
    deps,
    stores,
    redact,
    meta,
    state,
  );
  if (state.phase === 'started') {
    await stopAgents(settings.repoDir, state.feature, deps.logger);
    await session.branches?.push();
    await session.saveState();
    saveStepState('phase', 'saved');
  }
  const run = await loadRun(settings.repoDir, state.feature, deps.logger);
  // A run that recorded its end is reported as it ended; one cut off mid-way, as cancelled.
  const interrupted = !run || run.status === 'running';
  await session.reporter.finish(run, interrupted ? 'interrupted' : 'final');
  if (run) announceOutcome(run, interrupted);
  saveStepState('phase', 'done');
}

/**
 * A main step that was killed leaves its agents running (each has its own process group): stop them before the
 * state is saved, so nothing writes to a worktree while it is archived, and no agent spends budget for nobody.
 */
async function stopAgents(repoDir: string, slug: string, logger: Logger): Promise<void> {
  const kill = (pid: number) => terminateGroup(pid, AGENT_KILL_GRACE_MS).then(() => undefined);
  const stopped = await stopLeftoverAgents(featureLogDir(repoDir, slug), kill).catch((error: unknown) => {
    logger.warn(`Could not stop the agents the main step left running: ${errorMessage(error)}`);
    return [];
  });
  if (stopped.length)
    logger.info(`Stopped ${stopped.length} agent process group(s) the main step left running.`);
}

/** The run as the event log on disk tells it (the log is the truth; the snapshot may lag it). */
async function loadRun(repoDir: string, slug: string, logger: Logger): Promise<OrchestrationRun | null> {
  try {
    const events = await readEventLog(statePaths(repoDir, slug).events);
    return events ? reduce(events) : null;
  } catch (error) {
    logger.warn(`Could not read the run to report it: ${errorMessage(error)}`);
    return null;
  }
}
