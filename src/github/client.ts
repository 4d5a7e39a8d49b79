import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import type { Logger } from '../engine/types.js';

/** The Octokit the action uses: REST methods, `paginate`, retry and throttling. */
export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  /** REST API root; `GITHUB_API_URL` on the runner (`https://ghes.example.com/api/v3` on GitHub Enterprise Server). */
  baseUrl: string;
  logger: Logger;
  /** Times a request is retried after a primary or secondary rate limit (default 1). */
  rateLimitRetries?: number;
  /** Extra settings for the throttling plugin (tests hand in limiters without the one-write-a-second spacing). */
  throttle?: Partial<ThrottlingOptions>;
}

/**
 * The one Octokit factory. Throttling spaces content-creating requests as GitHub asks (one write a second) and,
 * on a primary or secondary rate limit, waits the time GitHub names and retries (once by default: a report
 * is never worth stalling the run for longer); the retry plugin retries 5xx answers with back-off.
 * `baseUrl` is passed explicitly rather than left to @actions/github, which reads the environment at import.
 */
export function createGitHubClient(token: string, options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const maxRetries = options.rateLimitRetries ?? 1;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < maxRetries;
      logger.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; ` +
          (retrying ? `retrying in ${retryAfter} s` : 'giving up on this request'),
      );
      return retrying;
    };
  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      log: {
        debug: (message: string) => logger.debug(message),
        info: (message: string) => logger.debug(message),
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.warn(message),
      },
      throttle: {
        ...options.throttle,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
      },
      retry: { retries: 2 },
    },
    retry,
    throttling,
  );
}
