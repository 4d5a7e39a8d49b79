import path from 'node:path';
import { KittyError } from '../errors.js';
import { resolveFeatureDir } from '../feature/resolve.js';
import { currentBranch } from '../git/repo.js';
import { createRunRedactor } from '../git/credentials.js';
import type { Redact } from '../redact.js';
import { runFeature } from '../run-feature.js';
import type { OrchestrationRun } from '../state/types.js';
import { forkRefusal, readRunContext, type RunContext } from './context.js';
import { lookupClient, withPullRequest } from './pull-request.js';
import { agentEnv, maskSecrets } from './env.js';
import { readSettings, type ActionSettings } from './inputs.js';
import { announceOutcome, setDefaultOutputs, setOutput, setRunOutputs } from './outputs.js';
import {
  AGENT_KILL_GRACE_MS,
  createSession,
  reportingContext,
  restoreState,
  stateStores,
  type ActionDeps,
  type ActionSession,
} from './session.js';
import { saveStepState } from './step-state.js';

/**
 * The main step: read the inputs, refuse what must not run, restore the state, run (or resume) the feature with
 * live reports, then push, save and finalise. Throws a KittyError when the run did not complete; the entry
 * turns it into `core.setFailed`.
 */
export async function runMain(deps: ActionDeps & { signal: AbortSignal }): Promise<void> {
  setDefaultOutputs();
  const payloadContext = readRunContext(deps.env);
  const settings = readSettings(payloadContext.workspace);
  maskSecrets(deps.env, settings.githubToken, deps.logger);
  settings.warnings.forEach((warning) => deps.logger.warn(warning));
  const context = await withPullRequest(
    payloadContext,
    lookupClient(settings.githubToken, payloadContext, deps),
    deps.logger,
  );
  const refusal = forkRefusal(context, settings.allowForkPrs);
  if (refusal) {
    saveStepState('phase', 'refused');
    setOutput('status', 'refused');
    throw new KittyError('usage', refusal);
  }
  const branch = await baseBranch(settings);
  const featureDir = await resolveFeatureDir(settings.feature, settings.repoDir);
  const slug = path.basename(featureDir);
  saveStepState('feature', slug);
  saveStepState('phase', 'started');
  // One redactor for the run, the reports and the failure message: the agents' environment has no token, but
  // the reports must still blank it, and the checkout credential in the git config.
  const redact = await createRunRedactor(settings.repoDir, deps.env, [settings.githubToken]);
  const stores = stateStores(settings, context, slug, deps, branch);
  const meta = await restoreState(stores);
  const session = createSession(settings, reportingContext(context, meta), slug, deps, stores, redact, meta);
  await session.branches?.fetch();
  let run: OrchestrationRun | null = null;
  const cancelled = () => deps.signal.aborted;
  try {
    run = await orchestrate(settings, featureDir, session, { ...deps, redact }, (latest) => (run = latest));
    setRunOutputs(run);
    if (cancelled() && run.status !== 'completed') setOutput('status', 'cancelled');
  } finally {
    await wrapUp(session, run, cancelled());
  }
  announceOutcome(run, cancelled());
  if (run.status === 'completed') return;
  const message = redact(failureMessage(run, deps.signal, context));
  if (Object.values(run.workPackages).some((wp) => wp.lane === 'failed')) setOutput('escalation', message);
  throw new KittyError(run.status === 'paused' ? 'escalation' : 'state', message);
}

/**
 * The branch WPs branch off: the checked-out one unless told otherwise; a detached HEAD (a PR's merge commit)
 * has none. With the feature, it names the run every trigger shares.
 */
async function baseBranch(settings: ActionSettings): Promise<string> {
  if (settings.overrides.baseBranch !== undefined) return settings.overrides.baseBranch;
  const branch = await currentBranch(settings.repoDir);
  if (branch !== null) return branch;
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
  deps: ActionDeps & { signal: AbortSignal; redact: Redact },
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
    redact: deps.redact,
    killGraceMs: AGENT_KILL_GRACE_MS,
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

/**
 * Push, save and report, all at once: after a cancel the runner allows 7.5 s before its SIGTERM, and their
 * network round trips one after another did not fit. The branches go before the state ref that names them; if
 * the step is cut short anyway, the phase stays `started` and the post step does it all again.
 */
async function wrapUp(
  session: ActionSession,
  run: OrchestrationRun | null,
  cancelled: boolean,
): Promise<void> {
  const saved = (async () => {
    await session.branches?.push();
    const key = await session.saveState();
    if (key) setOutput('state-key', key);
    saveStepState('phase', 'saved');
  })();
  // A cancelled run reads "Cancelled" everywhere, as when the post step finalises a killed one.
  await Promise.all([saved, session.reporter.finish(run, cancelled ? 'interrupted' : 'final')]);
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
