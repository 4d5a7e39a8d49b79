import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import { readEventLog, reduce, statePaths } from '../state/index.js';
import type { OrchestrationRun } from '../state/types.js';
import { readRunContext } from './context.js';
import { maskSecrets } from './env.js';
import { readSettings } from './inputs.js';
import { createSession, type ActionDeps } from './session.js';
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
  const context = readRunContext(deps.env);
  const settings = readSettings(context.workspace);
  maskSecrets(deps.env, settings.githubToken, deps.logger);
  deps.logger.info(
    'The main step did not finish: saving the orchestration state and finalising the reports.',
  );
  const session = createSession(settings, context, state.feature, deps, state);
  if (state.phase === 'started') {
    await session.branches?.push();
    await session.saveState();
    saveStepState('phase', 'saved');
  }
  await session.reporter.finish(await loadRun(settings.repoDir, state.feature, deps.logger), 'interrupted');
  saveStepState('phase', 'done');
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
