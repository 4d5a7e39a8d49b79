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
import { artifactsAvailable, createLogArtifacts, type ArtifactPort } from './log-artifacts.js';
import { createStateRef, type StateRef, type StateRefMeta } from './state-ref.js';
import { readStepState, saveStepState, type StepState } from './step-state.js';

/**
 * Time a stopped agent gets between SIGTERM and SIGKILL in the action: the runner allows 7.5 s from its cancel
 * to its own SIGTERM, and pushing, saving and reporting must fit in what is left.
 */
export const AGENT_KILL_GRACE_MS = 2000;

/** The adapters the entries hand in: the real ones in the action, stand-ins' in tests. */
export interface ActionDeps {
  env: NodeJS.ProcessEnv;
  cache: CachePort;
  summary: SummaryWriter;
  logger: Logger;
  /** Uploads workflow artifacts (the WPs' logs); none: no artifacts. */
  artifact?: ArtifactPort;
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
  /**
   * Save the state to the cache under the next unused key and to the state ref, both at once; returns the cache
   * key, or null when the cache saved nothing.
   */
  saveState(): Promise<string | null>;
}

export interface StateStores {
  cache: StateCache;
  ref: StateRef | null;
  /** The branch WPs branch off; null when HEAD is detached. */
  branch: string | null;
}

/** The state's two homes for feature `slug`: the cache (fast path) and the state ref (null when not pushing). */
export function stateStores(
  settings: ActionSettings,
  context: RunContext,
  slug: string,
  deps: ActionDeps,
  branch: string | null,
): StateStores {
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
  const ref =
    settings.pushBranches && branch !== null
      ? createStateRef({ repoDir: settings.repoDir, slug, branch, prefix: settings.stateKeyPrefix, logger })
      : null;
  return { cache, ref, branch };
}

/**
 * Restore the newest state: the cache first (the fast path, with the agents' logs), then the state ref when it
 * is further on (the cache was evicted, or another trigger ran last). Returns where the run reports.
 */
export async function restoreState(stores: StateStores): Promise<StateRefMeta | null> {
  await stores.cache.restore();
  if (!stores.ref) return null;
  await stores.ref.fetch();
  return stores.ref.restore();
}

/** The PR the run reports on: this event's, else the one an earlier trigger of the same run reported on. */
export function reportingContext(context: RunContext, meta: StateRefMeta | null): RunContext {
  return context.pullNumber === null && meta?.pullNumber
    ? { ...context, pullNumber: meta.pullNumber }
    : context;
}

/** Where the WP branches are on GitHub, when they are pushed there. */
function branchLinks(settings: ActionSettings, context: RunContext, slug: string, branch: string | null) {
  if (!settings.pushBranches || !context.repository || branch === null) return null;
  const { owner, repo } = context.repository;
  return { repoUrl: `${context.serverUrl}/${owner}/${repo}`, base: branch, branchPrefix: `${slug}-` };
}

/**
 * Wire a session for feature `slug`; `redact` is the run's one redactor, `state` carries the ids and save count
 * an earlier step recorded, `meta` what the state ref remembers of earlier triggers.
 */
export function createSession(
  settings: ActionSettings,
  context: RunContext,
  slug: string,
  deps: ActionDeps,
  stores: StateStores,
  redact: Redact,
  meta: StateRefMeta | null = null,
  state: StepState = readStepState(),
): ActionSession {
  const { logger } = deps;
  const { cache } = stores;
  // The comment an earlier trigger made is edited, not duplicated, when this run reports on the same PR.
  const sharedComment = meta && meta.pullNumber === context.pullNumber ? meta.commentId : null;
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
    // This step's, else the one an earlier trigger made on this PR, else the one kept with the cached state.
    commentId: state.commentId ?? sharedComment ?? (() => recallCommentId(settings.repoDir, slug)),
    checkRunId: state.checkRunId,
    onCommentId: (id) => {
      saveStepState('commentId', id);
      rememberCommentId(settings.repoDir, slug, id).catch((error: unknown) =>
        logger.debug(`could not keep the comment id with the state: ${String(error)}`),
      );
    },
    logs:
      deps.artifact && artifactsAvailable(deps.env)
        ? createLogArtifacts({
            artifact: deps.artifact,
            logDir: featureLogDir(settings.repoDir, slug),
            slug,
            context,
            logger,
          })
        : null,
    branches: branchLinks(settings, context, slug, stores.branch),
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
      const refMeta = { pullNumber: context.pullNumber, commentId: reporter.commentId ?? sharedComment };
      const [key] = await Promise.all([cache.save(saves), stores.ref?.save(refMeta)]);
      return key;
    },
  };
}
