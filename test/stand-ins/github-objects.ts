/**
 * Response objects shaped as GitHub's REST API returns them (every field the OpenAPI description requires),
 * so the stand-in's own answers pass the same validation as the requests.
 */

export interface StoredComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  /** Who wrote it (default: the Actions bot, as with the job's GITHUB_TOKEN). */
  author?: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

export function user(base: string, login = 'github-actions[bot]', id = 41898282): Record<string, unknown> {
  const api = `${base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/apps/github-actions`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'Bot',
    site_admin: false,
  };
}

export function commentJson(base: string, c: StoredComment): Record<string, unknown> {
  const repoApi = `${base}/repos/${c.owner}/${c.repo}`;
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${repoApi}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.owner}/${c.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: user(base, c.author, c.author ? 1_000_001 : undefined),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${repoApi}/issues/${c.issueNumber}`,
    author_association: 'NONE',
  };
}

export function checkRunJson(base: string, r: StoredCheckRun): Record<string, unknown> {
  const repoApi = `${base}/repos/${r.owner}/${r.repo}`;
  return {
    id: r.id,
    head_sha: r.headSha,
    node_id: `CR_${r.id}`,
    external_id: r.externalId,
    url: `${repoApi}/check-runs/${r.id}`,
    html_url: `https://github.com/${r.owner}/${r.repo}/runs/${r.id}`,
    details_url: r.detailsUrl,
    status: r.status,
    conclusion: r.conclusion,
    started_at: r.startedAt,
    completed_at: r.completedAt,
    output: {
      ...r.output,
      annotations_count: 0,
      annotations_url: `${repoApi}/check-runs/${r.id}/annotations`,
    },
    name: r.name,
    check_suite: { id: 1 },
    app: null,
    pull_requests: [],
  };
}

export const DOCS_URL = 'https://docs.github.com/rest';

export function validationFailed(message: string, field?: string): Record<string, unknown> {
  return {
    message: 'Validation Failed',
    documentation_url: DOCS_URL,
    errors: [{ resource: 'IssueComment', code: 'custom', ...(field ? { field } : {}), message }],
  };
}
