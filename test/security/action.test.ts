import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBranchSync, type GitRunner } from '../../src/action/branches.js';
import { forkRefusal, type RunContext } from '../../src/action/context.js';
import { maskSecrets } from '../../src/action/env.js';
import { withPullRequest } from '../../src/action/pull-request.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { commentMarker } from '../../src/report/render/markdown.js';
import { PrCommentSink } from '../../src/report/sinks/pr-comment.js';
import { fastThrottle } from '../stand-ins/fast-throttle.js';
import { startGitHubStandIn, type GitHubStandIn } from '../stand-ins/github-api.js';
import { memoryLogger } from '../stand-ins/memory-logger.js';
import { git, securityRepo } from './repo.js';

const core = vi.hoisted(() => ({ masked: [] as string[] }));
vi.mock('@actions/core', async (original) => ({
  ...(await original<typeof import('@actions/core')>()),
  setSecret: (value: string) => void core.masked.push(value),
}));

const ref = { owner: 'octo', repo: 'shop', issueNumber: 7 };
const marker = commentMarker('001-feature');
let gh: GitHubStandIn;
let client: GitHubClient;

beforeAll(async () => {
  gh = await startGitHubStandIn();
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.comments.length = 0;
  gh.requests.length = 0;
  gh.authenticatedLogin = null;
  client = createGitHubClient(gh.token, {
    baseUrl: gh.url,
    logger: memoryLogger(),
    throttle: fastThrottle(),
  });
});

describe('the progress comment belongs to the action alone', () => {
  it('never adopts a comment someone else wrote with the marker; posts its own', async () => {
    const planted = gh.addComment('octo', 'shop', 7, `${marker}\nplanted`, 'mallory');
    const sink = new PrCommentSink({ client, ref, marker, intervalMs: 0, logger: memoryLogger() });
    await sink.finish(`${marker}\nprogress`);
    expect(planted.body).toBe(`${marker}\nplanted`);
    expect(sink.id).not.toBe(planted.id);
    expect(gh.comments.find((c) => c.id === sink.id)?.body).toBe(`${marker}\nprogress`);
  });

  it('adopts its own comment: the Actions bot, or the user of a personal token', async () => {
    const own = gh.addComment('octo', 'shop', 7, `${marker}\nearlier`, 'octocat');
    gh.authenticatedLogin = 'octocat';
    const sink = new PrCommentSink({ client, ref, marker, intervalMs: 0, logger: memoryLogger() });
    await sink.finish(`${marker}\nnow`);
    expect(sink.id).toBe(own.id);
    expect(own.body).toBe(`${marker}\nnow`);
  });

  it('a refused edit (403) posts a new comment and says so, without blaming permissions', async () => {
    const logger = memoryLogger();
    const sink = new PrCommentSink({ client, ref, marker, intervalMs: 0, logger, commentId: 4242 });
    gh.failNext({
      method: 'PATCH',
      path: /\/issues\/comments\/4242$/,
      status: 403,
      body: {
        message: 'Must have admin rights to Repository.',
        documentation_url: 'https://docs.github.com',
      },
    });
    await sink.finish(`${marker}\nbody`);
    expect(gh.comments.map((c) => c.body)).toEqual([`${marker}\nbody`]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(
      /comment 4242 could not be edited \(HTTP 403.*posting a new progress comment/,
    );
    expect(logger.warnings[0]).not.toMatch(/permissions/);
  });
});

describe('inputs masked in the job log', () => {
  it('masks the token and secret variables, never state-key-prefix', () => {
    core.masked.length = 0;
    const env = { 'INPUT_STATE-KEY-PREFIX': 'kitty-orchestrator', OPENAI_API_KEY: 'sk-abcdef123456' };
    maskSecrets(env, 'ghs_token0123456789', memoryLogger());
    expect(core.masked.sort()).toEqual(['ghs_token0123456789', 'sk-abcdef123456']);
  });
});

describe('fork check on every event about a PR', () => {
  const context = (over: Partial<RunContext>): RunContext => ({
    repository: { owner: 'octo', repo: 'shop' },
    eventName: 'issue_comment',
    pullNumber: 7,
    headSha: 'a'.repeat(40),
    ref: 'refs/heads/main',
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    apiUrl: gh.url,
    workspace: '/tmp',
    pullRepos: null,
    runUrl: null,
    ...over,
  });

  it('issue_comment on a fork PR: looks the PR up, refuses, and reports on the PR head', async () => {
    gh.pulls.set(7, { head: 'mallory/shop', base: 'octo/shop', sha: 'f'.repeat(40) });
    const looked = await withPullRequest(context({}), client, memoryLogger());
    expect(looked.headSha).toBe('f'.repeat(40));
    expect(forkRefusal(looked, false)).toMatch(/from mallory\/shop into octo\/shop/);
    expect(forkRefusal(looked, true)).toBeNull();
    expect(gh.violations).toEqual([]);
  });

  it('issue_comment on a PR of the same repository runs; one whose PR cannot be looked up is refused', async () => {
    gh.pulls.set(8, { head: 'octo/shop', base: 'octo/shop', sha: 'e'.repeat(40) });
    expect(
      forkRefusal(await withPullRequest(context({ pullNumber: 8 }), client, memoryLogger()), false),
    ).toBeNull();
    const unknown = await withPullRequest(context({ pullNumber: 9 }), client, memoryLogger());
    expect(forkRefusal(unknown, false)).toMatch(/could not look up whether it comes from a fork/);
    expect(forkRefusal(context({ pullNumber: null, eventName: 'push' }), false)).toBeNull();
  });
});

describe('the push token', () => {
  it('goes to the push and fetch only, never into the repository config; none added over a checkout credential', async () => {
    const repo = await securityRepo({ slug: '001-push', wps: [{ id: 'WP01' }] });
    const calls: { args: readonly string[]; env: Record<string, string> }[] = [];
    const runner: GitRunner = (args, _cwd, options) => {
      calls.push({ args, env: options?.env ?? {} });
      // The branch moves between the fetch and the push, so the push has something to do.
      const sha = String(calls.length % 10).repeat(40);
      const refs = args[0] === 'for-each-ref' ? `${sha} refs/heads/001-push-WP01\n` : '';
      return Promise.resolve({ exitCode: 0, stdout: refs, stderr: '' });
    };
    const auth = { token: 'ghs_pushToken0123456789', serverUrl: 'https://github.com' };
    const sync = createBranchSync({
      repoDir: repo,
      slug: '001-push',
      logger: memoryLogger(),
      git: runner,
      auth,
    });
    await sync.fetch();
    await sync.push();
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${auth.token}`).toString('base64')}`;
    const remote = calls.filter((c) => c.args[0] === 'push' || c.args[0] === 'fetch');
    expect(remote.map((c) => c.args[0])).toEqual(['fetch', 'push']);
    for (const call of remote) expect(call.env.GIT_CONFIG_VALUE_0).toBe(header);
    expect(calls.filter((c) => c.args[0] === 'for-each-ref').every((c) => !c.env.GIT_CONFIG_VALUE_0)).toBe(
      true,
    );
    expect(git(repo, 'config', '--list')).not.toContain(auth.token);

    git(
      repo,
      'config',
      'http.https://github.com/.extraheader',
      'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46eA==',
    );
    calls.length = 0;
    await createBranchSync({
      repoDir: repo,
      slug: '001-push',
      logger: memoryLogger(),
      git: runner,
      auth,
    }).fetch();
    expect(calls[0]?.env).toEqual({});
  });
});
