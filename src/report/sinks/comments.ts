import type { GitHubClient } from '../../github/client.js';
import { errorMessage } from '../../errors.js';
import { describeGitHubError, httpStatus } from '../../github/errors.js';

/** An issue or pull request to comment on. */
export interface IssueRef {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** Who the job's `GITHUB_TOKEN` comments as; it may not read `/user`. */
export const ACTIONS_BOT = 'github-actions[bot]';

/**
 * The login GitHub shows on the comments this client writes: the token's user (a personal access token), else
 * the Actions bot (the job's `GITHUB_TOKEN` is refused `/user`).
 */
export async function tokenLogin(client: GitHubClient): Promise<string> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch {
    return ACTIONS_BOT;
  }
}

/**
 * The first comment written by `author` whose body starts with `marker`, searching every page of the thread
 * (a long PR has more than one page; reading only the first would post a duplicate once the thread grows).
 * Only a body that *starts* with the marker counts, so a person quoting our comment is never mistaken for it;
 * and only our own identity's, so anyone can plant the marker but nobody can make us adopt their comment.
 */
export async function findMarkedComment(
  client: GitHubClient,
  ref: IssueRef,
  marker: string,
  author: () => Promise<string> = () => Promise.resolve(ACTIONS_BOT),
): Promise<{ id: number; body: string } | null> {
  // Who we are is asked only once a marked comment turns up: a thread without one costs no extra request.
  let login: Promise<string> | null = null;
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const comment of page.data.filter((c) => c.body?.startsWith(marker))) {
      if (comment.user?.login === (await (login ??= author())))
        return { id: comment.id, body: comment.body ?? '' };
    }
  }
  return null;
}

export interface UpsertOptions {
  /** Who our comments are written by (default: asked of GitHub once, see tokenLogin). */
  author?: () => Promise<string>;
  /** Told why the known comment was not edited when a new one is posted instead. */
  onReplaced?: (why: string) => void;
}

/**
 * Edit the comment `knownId` (when given) or our own one carrying `marker`; create it when there is none, or
 * when the edit is refused (deleted: 404; not ours to edit: 403) rather than give up reporting. Returns the
 * comment's id.
 */
export async function upsertComment(
  client: GitHubClient,
  ref: IssueRef,
  marker: string,
  body: string,
  knownId: number | null,
  options: UpsertOptions = {},
): Promise<number> {
  const author = options.author ?? (() => tokenLogin(client));
  const id = knownId ?? (await findMarkedComment(client, ref, marker, author))?.id ?? null;
  if (id !== null) {
    try {
      await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: id, body });
      return id;
    } catch (error) {
      if (!isRefusedEdit(error)) throw error;
      options.onReplaced?.(`comment ${id} could not be edited (${describeGitHubError(error)})`);
    }
  }
  const created = await client.rest.issues.createComment({
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.issueNumber,
    body,
  });
  return created.data.id;
}

/** 404 (deleted) or a 403 that is not a rate limit (someone else's comment): post anew. */
function isRefusedEdit(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 404 || (status === 403 && !/rate limit/i.test(errorMessage(error)));
}
