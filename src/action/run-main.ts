import path from 'node:path';
import { KittyError } from '../errors.js';
import { resolveFeatureDir } from '../feature/resolve.js';
import { currentBranch } from '../git/repo.js';
import { createRedactor } from '../redact.js';
import { runFeature } from '../run-feature.js';
import type { OrchestrationRun } from '../state/types.js';
import { forkRefusal, readRunContext, type RunContext } from './context.js';
import { agentEnv, maskSecrets } from './env.js';
import { readSettings, type ActionSettings } from './inputs.js';
import { setDefaultOutputs, setOutput, setRunOutputs } from './outputs.js';
import { createSession, type ActionDeps, type ActionSession } from './session.js';
import { saveStepState } from './step-state.js';

/**
 * The main step: read the inputs, refuse what must not run, restore the state, run (or resume) the feature with
 * live reports, then push, save and finalise. Throws a KittyError when the run did not complete; the entry
 * turns it into `core.setFailed`.
 */
export async function runMain(deps: ActionDeps & { signal: AbortSignal }): Promise<void> {
  setDefaultOutputs();
  const context = readRunContext(deps.env);
  const settings = readSettings(context.workspace);
  maskSecrets(deps.env, settings.githubToken, deps.logger);
  const refusal = forkRefusal(context, settings.allowForkPrs);
  if (refusal) {
    saveStepState('phase', 'refused');
    setOutput('status', 'refused');
    throw new KittyError('usage', refusal);
  }
  await assertOnBranch(settings);
  const featureDir = await resolveFeatureDir(settings.feature, settings.repoDir);
  const slug = path.basename(featureDir);
  saveStepState('feature', slug);
  saveStepState('phase', 'started');
  const session = createSession(settings, context, slug, deps);
  await session.cache.restore();
  await session.branches?.fetch();
  let run: OrchestrationRun | null = null;
  try {
    run = await orchestrate(settings, featureDir, session, deps, (latest) => (run = latest));
    setRunOutputs(run);
  } finally {
    await wrapUp(session, run);
  }
  if (run.status === 'completed') return;
  const message = createRedactor(deps.env, [settings.githubToken])(failureMessage(run, deps.signal, context));
  if (Object.values(run.workPackages).some((wp) => wp.lane === 'failed')) setOutput('escalation', message);
  throw new KittyError(run.status === 'paused' ? 'escalation' : 'state', message);
}

/** WPs branch off the checked-out branch unless told otherwise; a detached HEAD (a PR's merge commit) has none. */
async function assertOnBranch(settings: ActionSettings): Promise<void> {
  if (settings.overrides.baseBranch !== undefined) return;
  if ((await currentBranch(settings.repoDir)) !== null) return;
  throw new KittyError(
    'usage',
    `HEAD is detached in ${settings.repoDir} (actions/checkout checks out a merge commit for pull_request events): ` +
      'check out the PR branch with `ref: ${{ github.head_ref }}`, or set the base-branch input',
  );
}

async function orchestrate(
  settings: ActionSettings,
  featureDir: string,
  session: ActionSession,
  deps: ActionDeps & { signal: AbortSignal },
  onRun: (run: OrchestrationRun) => void,
): Promise<OrchestrationRun> {
  const outcome = await runFeature({
    repoDir: settings.repoDir,
    feature: featureDir,
    overrides: settings.overrides,
    host: settings.host,
    resume: 'auto',
    signal: deps.signal,
    logger: deps.logger,
    env: agentEnv(deps.env),
    onEvent: (event, run) => {
      onRun(run);
      session.reporter.onEvent(event, run);
      // A finished WP's branch goes to the remote at once; unfinished work follows when the run ends.
      if (event.type === 'lane_changed' && event.lane === 'done') void session.branches?.push([event.wp]);
    },
    onAgentLine: (wpId, line) => deps.logger.info(`[${wpId}] ${line}`),
  });
  return outcome.run;
}

/** Push, save, report: in this order, because the cancellation grace (7.5 s) may end the step half-way. */
async function wrapUp(session: ActionSession, run: OrchestrationRun | null): Promise<void> {
  await session.branches?.push();
  const key = await session.saveState();
  if (key) setOutput('state-key', key);
  saveStepState('phase', 'saved');
  await session.reporter.finish(run, 'final');
  saveStepState('phase', 'done');
}

function failureMessage(run: OrchestrationRun, signal: AbortSignal, context: RunContext): string {
  const failed = Object.values(run.workPackages).filter((wp) => wp.lane === 'failed');
  const again = context.runUrl ? 're-run this job' : 'run the action again';
  if (failed.length > 0) {
    const list = failed.map((wp) => `${wp.wpId} (${wp.lastError ?? 'failed'})`).join('; ');
    return `${failed.length} work package(s) failed with every agent: ${list}. Fix the cause, then ${again} to resume.`;
  }
  const why = signal.aborted ? 'the job was cancelled' : (run.message ?? `it ended ${run.status}`);
  return `The run of ${run.feature} did not complete (${why}): ${again} to resume.`;
}
