import type { GitHubClient } from '../../github/client.js';
import { httpStatus } from '../../github/errors.js';

/** An issue or pull request to comment on. */
export interface IssueRef {
  owner: string;
  repo: string;
  issueNumber: number;
}

/**
 * The first comment whose body starts with `marker`, searching every page of the thread (a long PR has more
 * than one page; reading only the first would post a duplicate once the thread grows). Only a body that
 * *starts* with the marker counts, so a person quoting our comment is never mistaken for it.
 */
export async function findMarkedComment(
  client: GitHubClient,
  ref: IssueRef,
  marker: string,
): Promise<{ id: number; body: string } | null> {
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    const hit = page.data.find((comment) => comment.body?.startsWith(marker));
    if (hit) return { id: hit.id, body: hit.body ?? '' };
  }
  return null;
}

/**
 * Edit the comment `knownId` (when given and still there) or the one carrying `marker`; create it when there
 * is none. Returns the comment's id.
 */
export async function upsertComment(
  client: GitHubClient,
  ref: IssueRef,
  marker: string,
  body: string,
  knownId: number | null,
): Promise<number> {
  const id = knownId ?? (await findMarkedComment(client, ref, marker))?.id ?? null;
  if (id !== null) {
    try {
      await client.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: id, body });
      return id;
    } catch (error) {
      // Someone deleted the comment: post a new one rather than give up reporting.
      if (httpStatus(error) !== 404) throw error;
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
