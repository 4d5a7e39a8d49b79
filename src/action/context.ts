import { readFileSync } from 'node:fs';
import { errorMessage, KittyError } from '../errors.js';

/**
 * What the runner tells the action about the workflow run: the `GITHUB_*` variables and the event payload.
 * Read here, once, so nothing downstream reads `process.env` (and tests hand in their own environment).
 */
export interface RunContext {
  /** `owner/repo` split; null outside Actions. */
  repository: { owner: string; repo: string } | null;
  eventName: string;
  /** The pull request the event is about, or null. */
  pullNumber: number | null;
  /** The commit check runs belong to: the PR's head, never the merge commit `pull_request` builds. */
  headSha: string | null;
  /** `refs/heads/main`, `refs/pull/7/merge`, … */
  ref: string;
  runId: string;
  runAttempt: string;
  /** `https://github.com` or the GitHub Enterprise Server's URL. */
  serverUrl: string;
  /** The REST API root (`GITHUB_API_URL`; `…/api/v3` on GitHub Enterprise Server). */
  apiUrl: string;
  workspace: string;
  /** The PR's head and base repositories (`owner/name`); head is null when the fork was deleted. */
  pullRepos: { head: string | null; base: string } | null;
  /** Link to this run attempt, for reports; null outside Actions. */
  runUrl: string | null;
}

type Payload = Record<string, unknown>;

const asRecord = (value: unknown): Payload | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Payload) : null;

function readPayload(file: string | undefined): Payload {
  if (!file) return {};
  try {
    return asRecord(JSON.parse(readFileSync(file, 'utf8'))) ?? {};
  } catch (error) {
    throw new KittyError(
      'usage',
      `cannot read the event payload ${file} (GITHUB_EVENT_PATH): ${errorMessage(error)}`,
    );
  }
}

const fullName = (side: Payload | null): string | null => {
  const name = asRecord(side?.repo)?.full_name;
  return typeof name === 'string' ? name : null;
};

function pullRequestOf(payload: Payload): Payload | null {
  // pull_request*, and issue_comment on a PR (its `issue` carries a `pull_request` link, not the PR itself).
  return asRecord(payload.pull_request);
}

function pullNumberOf(payload: Payload): number | null {
  const pr = pullRequestOf(payload);
  if (typeof pr?.number === 'number') return pr.number;
  const issue = asRecord(payload.issue);
  if (issue && asRecord(issue.pull_request) && typeof issue.number === 'number') return issue.number;
  return null;
}

/** The run's context from `env` (default `process.env`). */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const repository = owner && repo ? { owner, repo } : null;
  const pr = pullRequestOf(payload);
  const base = asRecord(pr?.base);
  const head = asRecord(pr?.head);
  const headSha = typeof head?.sha === 'string' ? head.sha : (env.GITHUB_SHA ?? null);
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID ?? '0';
  const runAttempt = env.GITHUB_RUN_ATTEMPT ?? '1';
  return {
    repository,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    pullNumber: pullNumberOf(payload),
    headSha,
    ref: env.GITHUB_REF ?? '',
    runId,
    runAttempt,
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    pullRepos: pr ? { head: fullName(head), base: fullName(base) ?? env.GITHUB_REPOSITORY ?? '' } : null,
    runUrl:
      repository && env.GITHUB_RUN_ID
        ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}/attempts/${runAttempt}`
        : null,
  };
}

/**
 * Why agents must not run for this event, or null when they may. A PR from a fork is refused unless allowed:
 * on `pull_request` its token is read-only and secrets are absent, so agents fail after burning minutes; on
 * `pull_request_target` secrets *are* present while the fork's prompts and code steer the agents, which is how
 * secrets leak. Opting in is the repository owner's call (`allow-fork-prs: true`).
 */
export function forkRefusal(context: RunContext, allowForkPrs: boolean): string | null {
  // Every event about a PR counts (`issue_comment` on a PR too, whose payload names no head: see
  // withPullRequest); only events about no PR at all (push, schedule, dispatch) pass unchecked.
  if (allowForkPrs || context.pullNumber === null) return null;
  if (!context.pullRepos) {
    return (
      `Refusing to run agents for pull request #${context.pullNumber} (${context.eventName}): could not look up ` +
      'whether it comes from a fork. Give the action a github-token that can read pull requests, or set allow-fork-prs: true.'
    );
  }
  const { head, base } = context.pullRepos;
  if (head === base) return null;
  const from = head ?? 'a deleted fork';
  const why =
    context.eventName === 'pull_request_target'
      ? 'this event runs with the repository\u2019s secrets while the fork controls the prompts and code the agents read'
      : 'fork PRs get a read-only token and no secrets, so agents could neither authenticate nor report';
  return (
    `Refusing to run agents on pull request #${context.pullNumber ?? '?'} from ${from} into ${base}: ${why}. ` +
    'Set the input allow-fork-prs: true to run anyway, or run the workflow from a branch of this repository.'
  );
}

/** The part of a state cache key that scopes it to this PR or ref: `pr-7`, `main`, `v1.2`. */
export function cacheScope(context: RunContext): string {
  if (context.pullNumber !== null) return `pr-${context.pullNumber}`;
  const name = context.ref.replace(/^refs\/(heads|tags)\//, '') || 'local';
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
}
