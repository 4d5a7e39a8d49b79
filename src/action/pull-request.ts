import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from '../github/client.js';
import type { RunContext } from './context.js';

/**
 * The context with its pull request filled in from the API when the event payload does not carry it: an
 * `issue_comment` on a PR names only the PR's number, yet the fork check needs its head repository and the
 * reports its head commit (`GITHUB_SHA` is the default branch's for that event). Left unchanged when the event
 * is about no PR, carries the PR already, or the lookup fails (the fork check then refuses).
 */
export async function withPullRequest(
  context: RunContext,
  client: GitHubClient | null,
  logger: Logger,
): Promise<RunContext> {
  if (context.pullNumber === null || context.pullRepos !== null || !context.repository || !client)
    return context;
  try {
    const { data } = await client.rest.pulls.get({ ...context.repository, pull_number: context.pullNumber });
    return {
      ...context,
      headSha: data.head.sha,
      pullRepos: { head: data.head.repo?.full_name ?? null, base: data.base.repo.full_name },
    };
  } catch (error) {
    logger.warn(`Could not look up pull request #${context.pullNumber}: ${errorMessage(error)}`);
    return context;
  }
}

/** A client for that lookup, only when one is needed: an event about a PR that did not carry the PR. */
export function lookupClient(
  token: string,
  context: RunContext,
  deps: {
    logger: Logger;
    createClient?: ((token: string, options: GitHubClientOptions) => GitHubClient) | undefined;
  },
): GitHubClient | null {
  if (context.pullNumber === null || context.pullRepos !== null || !token) return null;
  return (deps.createClient ?? createGitHubClient)(token, { baseUrl: context.apiUrl, logger: deps.logger });
}
