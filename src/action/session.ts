import type { Logger } from '../engine/types.js';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from '../github/client.js';
import type { Redact } from '../redact.js';
import type { SummaryWriter } from '../report/sinks/job-summary.js';
import { featureLogDir } from '../run-feature.js';
import { createBranchSync, type BranchSync } from './branches.js';
import { recallCommentId, rememberCommentId } from './comment-memory.js';
import { createStateCache, type CachePort, type StateCache } from './cache-state.js';
import { cacheScope, type RunContext } from './context.js';
import type { ActionSettings } from './inputs.js';
import { ActionReporter } from './reporter.js';
import { readStepState, saveStepState, type StepState } from './step-state.js';

/** The adapters the entries hand in: the real ones in the action, stand-ins' in tests. */
export interface ActionDeps {
  env: NodeJS.ProcessEnv;
  cache: CachePort;
  summary: SummaryWriter;
  logger: Logger;
  /** Builds the GitHub client (default `createGitHubClient`). */
  createClient?: (token: string, options: GitHubClientOptions) => GitHubClient;
}

/** The state cache, branch sync and reporter of one feature, as both steps use them. */
export interface ActionSession {
  readonly slug: string;
  readonly cache: StateCache;
  /** null when push-branches is off. */
  readonly branches: BranchSync | null;
  readonly reporter: ActionReporter;
  /** Save the state under the next unused key; returns the key, or null when nothing was saved. */
  saveState(): Promise<string | null>;
}

/** Wire a session for feature `slug`; `state` carries the ids and save count an earlier step recorded. */
export function createSession(
  settings: ActionSettings,
  context: RunContext,
  slug: string,
  deps: ActionDeps,
  redact: Redact,
  state: StepState = readStepState(),
): ActionSession {
  const { logger } = deps;
  const cache = createStateCache({
    cache: deps.cache,
    logger,
    repoDir: settings.repoDir,
    workspace: context.workspace,
    slug,
    prefix: settings.stateKeyPrefix,
    scope: cacheScope(context),
    runId: context.runId,
    runAttempt: context.runAttempt,
  });
  const client =
    settings.githubToken && context.repository
      ? (deps.createClient ?? createGitHubClient)(settings.githubToken, { baseUrl: context.apiUrl, logger })
      : null;
  const reporter = new ActionReporter({
    feature: slug,
    reports: settings.reports,
    client,
    context,
    logger,
    summary: deps.summary,
    intervalMs: settings.reportIntervalSeconds * 1000,
    repoDir: settings.repoDir,
    logDir: featureLogDir(settings.repoDir, slug),
    redact,
    commentId: state.commentId ?? (() => recallCommentId(settings.repoDir, slug)),
    checkRunId: state.checkRunId,
    onCommentId: (id) => {
      saveStepState('commentId', id);
      rememberCommentId(settings.repoDir, slug, id).catch((error: unknown) =>
        logger.debug(`could not keep the comment id with the state: ${String(error)}`),
      );
    },
    onCheckRunId: (id) => saveStepState('checkRunId', id),
  });
  let saves = state.saves;
  return {
    slug,
    cache,
    branches: settings.pushBranches
      ? createBranchSync({
          repoDir: settings.repoDir,
          slug,
          logger,
          auth: settings.githubToken
            ? { token: settings.githubToken, serverUrl: context.serverUrl }
            : undefined,
        })
      : null,
    reporter,
    async saveState() {
      saves += 1;
      // Recorded before saving: if this step dies mid-upload, the post step still picks a fresh key.
      saveStepState('saves', saves);
      return cache.save(saves);
    },
  };
}
