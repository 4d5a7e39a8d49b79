import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIBackend, type Context, type Document } from 'openapi-backend';
import { trimmedGitHubSpec } from './github-openapi.js';
import {
  checkRunJson,
  commentJson,
  DOCS_URL,
  validationFailed,
  type StoredCheckRun,
  type StoredComment,
  user,
} from './github-objects.js';

/** GitHub rejects comment bodies longer than this with a 422. */
export const COMMENT_BODY_LIMIT = 65_536;

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** An answer served instead of the real one, `times` times, to requests that match. */
export interface FaultRule {
  method: string;
  /** Matches the request path (without query). */
  path: RegExp;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  times?: number;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Params = Record<string, string>;

/**
 * A local GitHub REST API for tests: every request is checked against GitHub's own OpenAPI description (trimmed to
 * the operations the action calls), and so is every answer it gives. Comments and check runs live in memory;
 * lists are paged with a Link header as GitHub does. Violations are collected, never thrown, so a test can
 * assert there were none.
 */
export class GitHubStandIn {
  readonly comments: StoredComment[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly faults: FaultRule[] = [];
  private nextId = 1000;
  private server: http.Server | null = null;
  private origin = '';

  constructor(
    private readonly api: OpenAPIBackend,
    readonly token: string,
    /** Path prefix of the API (GitHub Enterprise Server serves it under `/api/v3`). */
    private readonly apiRoot = '',
  ) {}

  /** The API's base URL, as `GITHUB_API_URL` would name it. */
  get url(): string {
    return `${this.origin}${this.apiRoot}`;
  }

  /** Answer the next `times` (default 1) matching requests with this fault. */
  failNext(rule: FaultRule): void {
    this.faults.push({ times: 1, ...rule });
  }

  /** Add `count` unrelated comments to an issue (to push ours past the first page). */
  seedComments(owner: string, repo: string, issueNumber: number, count: number): void {
    for (let i = 0; i < count; i++) this.addComment(owner, repo, issueNumber, `unrelated comment ${i}`);
  }

  /** The login `/user` answers with; null: refused, as it is for the job's GITHUB_TOKEN. */
  authenticatedLogin: string | null = null;
  /** Pull requests `pulls.get` knows: number -> head repository (null: fork deleted), base repository, head sha. */
  readonly pulls = new Map<number, { head: string | null; base: string; sha: string }>();

  addComment(owner: string, repo: string, issueNumber: number, body: string, author?: string): StoredComment {
    const at = new Date().toISOString();
    const comment = {
      id: this.nextId++,
      owner,
      repo,
      issueNumber,
      body,
      createdAt: at,
      updatedAt: at,
      ...(author ? { author } : {}),
    };
    this.comments.push(comment);
    return comment;
  }

  /** Requests whose method and path match. */
  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  async listen(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.origin);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? 'GET';
    const reply = this.fault(method, url.pathname) ?? (await this.route(req, url, method, body));
    this.requests.push({ method, path: url.pathname, status: reply.status, body });
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private fault(method: string, path: string): Reply | null {
    const rule = this.faults.find((f) => f.method === method && f.path.test(path) && (f.times ?? 1) > 0);
    if (!rule) return null;
    rule.times = (rule.times ?? 1) - 1;
    return { status: rule.status, body: rule.body, headers: rule.headers ?? {} };
  }

  private async route(req: http.IncomingMessage, url: URL, method: string, body: unknown): Promise<Reply> {
    if (req.headers.authorization !== `token ${this.token}`) {
      this.violations.push(
        `${method} ${url.pathname}: authorization header was ${req.headers.authorization ?? 'missing'}`,
      );
      return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS_URL } };
    }
    const request = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers as Record<string, string>,
      body,
    };
    const reply = (await this.api.handleRequest(request, this)) as Reply & { operationId?: string };
    if (reply.operationId) {
      const check = this.api.validateResponse(reply.body, reply.operationId, reply.status);
      if (check.errors?.length) {
        this.violations.push(
          `response to ${reply.operationId}: ${JSON.stringify(check.errors).slice(0, 500)}`,
        );
      }
    }
    return reply;
  }

  // --- handlers (called by openapi-backend with `this` passed as the extra argument) ---

  listComments(p: Params, query: Record<string, string>): Reply {
    const all = this.comments.filter(
      (c) => c.owner === p.owner && c.repo === p.repo && c.issueNumber === Number(p.issue_number),
    );
    const perPage = Math.min(100, Number(query.per_page ?? 30));
    const page = Number(query.page ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const items = all.slice((page - 1) * perPage, page * perPage).map((c) => commentJson(this.url, c));
    const link = (n: number) =>
      `<${this.url}/repos/${p.owner}/${p.repo}/issues/${p.issue_number}/comments?per_page=${perPage}&page=${n}>`;
    const links = page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : [];
    return { status: 200, body: items, headers: links.length ? { link: links.join(', ') } : {} };
  }

  createComment(p: Params, body: { body: string }): Reply {
    if (body.body.length > COMMENT_BODY_LIMIT)
      return {
        status: 422,
        body: validationFailed('Body is too long (maximum is 65536 characters)', 'body'),
      };
    const comment = this.addComment(p.owner!, p.repo!, Number(p.issue_number), body.body);
    return { status: 201, body: commentJson(this.url, comment) };
  }

  updateComment(p: Params, body: { body: string }): Reply {
    const comment = this.comments.find(
      (c) => c.id === Number(p.comment_id) && c.owner === p.owner && c.repo === p.repo,
    );
    if (!comment) return { status: 404, body: { message: 'Not Found', documentation_url: DOCS_URL } };
    if (body.body.length > COMMENT_BODY_LIMIT)
      return {
        status: 422,
        body: validationFailed('Body is too long (maximum is 65536 characters)', 'body'),
      };
    comment.body = body.body;
    comment.updatedAt = new Date().toISOString();
    return { status: 200, body: commentJson(this.url, comment) };
  }

  getAuthenticated(): Reply {
    if (this.authenticatedLogin === null) {
      return {
        status: 403,
        body: { message: 'Resource not accessible by integration', documentation_url: DOCS_URL },
      };
    }
    return {
      status: 200,
      body: { ...user(this.url, this.authenticatedLogin, 1_000_002), ...PRIVATE_USER_FIELDS },
    };
  }

  getPull(p: Params, example: Record<string, unknown>): Reply {
    const pull = this.pulls.get(Number(p.pull_number));
    if (!pull) return { status: 404, body: { message: 'Not Found', documentation_url: DOCS_URL } };
    const side = (sideOf: Record<string, unknown>, fullName: string | null, sha: string) => ({
      ...sideOf,
      sha,
      repo: fullName === null ? null : { ...(sideOf.repo as Record<string, unknown>), full_name: fullName },
    });
    return {
      status: 200,
      body: {
        ...example,
        // GitHub's example team lacks a field its own schema requires.
        requested_teams: [],
        number: Number(p.pull_number),
        head: side(example.head as Record<string, unknown>, pull.head, pull.sha),
        base: side(example.base as Record<string, unknown>, pull.base, 'b'.repeat(40)),
      },
    };
  }

  createCheckRun(p: Params, body: Record<string, unknown>): Reply {
    const run: StoredCheckRun = {
      id: this.nextId++,
      owner: p.owner!,
      repo: p.repo!,
      name: body.name as string,
      headSha: body.head_sha as string,
      status: 'queued',
      conclusion: null,
      externalId: (body.external_id as string | undefined) ?? null,
      detailsUrl: (body.details_url as string | undefined) ?? null,
      startedAt: (body.started_at as string | undefined) ?? new Date().toISOString(),
      completedAt: null,
      output: { title: null, summary: null, text: null },
    };
    this.checkRuns.push(run);
    applyCheckRunFields(run, body);
    return { status: 201, body: checkRunJson(this.url, run) };
  }

  updateCheckRun(p: Params, body: Record<string, unknown>): Reply {
    const run = this.checkRuns.find(
      (r) => r.id === Number(p.check_run_id) && r.owner === p.owner && r.repo === p.repo,
    );
    if (!run) return { status: 404, body: { message: 'Not Found', documentation_url: DOCS_URL } };
    applyCheckRunFields(run, body);
    return { status: 200, body: checkRunJson(this.url, run) };
  }
}

function applyCheckRunFields(run: StoredCheckRun, body: Record<string, unknown>): void {
  if (typeof body.status === 'string') run.status = body.status;
  if (typeof body.conclusion === 'string') {
    // GitHub: providing a conclusion sets the status to completed.
    run.conclusion = body.conclusion;
    run.status = 'completed';
    run.completedAt = (body.completed_at as string | undefined) ?? new Date().toISOString();
  }
  if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
  const output = body.output as { title?: string; summary?: string; text?: string } | undefined;
  if (output)
    run.output = { title: output.title ?? null, summary: output.summary ?? null, text: output.text ?? null };
}

/** The string formats GitHub's description uses, checked for real (ajv knows none of them by itself). */
const FORMATS = {
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
  uri: (text: string) => URL.canParse(text),
  'uri-template': true,
  email: /^[^@\s]+@[^@\s]+$/,
  date: /^\d{4}-\d\d-\d\d$/,
} as const;

/** The fields `/user` adds for the token's own account. */
const PRIVATE_USER_FIELDS = {
  name: null,
  company: null,
  blog: null,
  location: null,
  email: null,
  hireable: null,
  bio: null,
  public_repos: 0,
  public_gists: 0,
  followers: 0,
  following: 0,
  created_at: '2020-01-01T00:00:00Z',
  updated_at: '2020-01-01T00:00:00Z',
};

/** GitHub's own example pull request from its description: every required field, valid by construction. */
function pullExample(api: OpenAPIBackend): Record<string, unknown> {
  return structuredClone(api.mockResponseForOperation('pulls/get').mock as Record<string, unknown>);
}

function withOperation(operationId: string, reply: Reply): Reply & { operationId: string } {
  return { ...reply, operationId };
}

/** Start a stand-in on 127.0.0.1 with a random port; requests must carry `token`. */
export async function startGitHubStandIn(
  options: { token?: string; apiRoot?: string } = {},
): Promise<GitHubStandIn> {
  const apiRoot = options.apiRoot ?? '';
  const api = new OpenAPIBackend({
    definition: trimmedGitHubSpec() as unknown as Document,
    apiRoot: apiRoot || '/',
    coerceTypes: true,
    // Validators are compiled on first use: compiling all of them up front takes seconds.
    quick: true,
    ajvOpts: { formats: FORMATS },
  });
  const params = (c: Context) => c.request.params as Params;
  const body = <T>(c: Context) => c.request.requestBody as T;
  api.register({
    'issues/list-comments': (c, s: GitHubStandIn) =>
      withOperation(
        'issues/list-comments',
        s.listComments(params(c), c.request.query as Record<string, string>),
      ),
    'issues/create-comment': (c, s: GitHubStandIn) =>
      withOperation('issues/create-comment', s.createComment(params(c), body(c))),
    'issues/update-comment': (c, s: GitHubStandIn) =>
      withOperation('issues/update-comment', s.updateComment(params(c), body(c))),
    'users/get-authenticated': (_c, s: GitHubStandIn) =>
      withOperation('users/get-authenticated', s.getAuthenticated()),
    'pulls/get': (c, s: GitHubStandIn) => withOperation('pulls/get', s.getPull(params(c), pullExample(api))),
    'checks/create': (c, s: GitHubStandIn) =>
      withOperation('checks/create', s.createCheckRun(params(c), body(c))),
    'checks/update': (c, s: GitHubStandIn) =>
      withOperation('checks/update', s.updateCheckRun(params(c), body(c))),
    validationFail: (c, s: GitHubStandIn) => {
      s.violations.push(
        `${c.request.method} ${c.request.path}: ${JSON.stringify(c.validation.errors).slice(0, 500)}`,
      );
      return { status: 422, body: validationFailed('request does not match the OpenAPI description') };
    },
    notFound: (c, s: GitHubStandIn) => {
      s.violations.push(`${c.request.method} ${c.request.path}: not an operation the stand-in knows`);
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS_URL } };
    },
  });
  await api.init();
  const standIn = new GitHubStandIn(api, options.token ?? 'test-token-0123456789', apiRoot);
  await standIn.listen();
  return standIn;
}
