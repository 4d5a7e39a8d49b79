import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { findMarkedComment, upsertComment } from '../../src/report/sinks/comments.js';
import { startGitHubStandIn, type GitHubStandIn } from '../stand-ins/github-api.js';
import { fastThrottle } from '../stand-ins/fast-throttle.js';
import { memoryLogger } from '../stand-ins/memory-logger.js';

const ref = { owner: 'octo', repo: 'shop', issueNumber: 7 };
const MARKER = '<!-- kitty-orchestrator:progress feature=001-demo -->';

describe('createGitHubClient against the GitHub stand-in', () => {
  let gh: GitHubStandIn;
  beforeAll(async () => {
    gh = await startGitHubStandIn({ token: 'ghs_test_token_123' });
  });
  afterAll(() => gh.close());
  beforeEach(() => {
    gh.comments.length = 0;
    gh.requests.length = 0;
  });

  it('finds the marked comment past the first page and edits it in place', async () => {
    const logger = memoryLogger();
    const client = createGitHubClient('ghs_test_token_123', {
      baseUrl: gh.url,
      logger,
      throttle: fastThrottle(),
    });
    gh.seedComments('octo', 'shop', 7, 230);
    const ours = gh.addComment('octo', 'shop', 7, `${MARKER}\nold body`);
    gh.seedComments('octo', 'shop', 7, 5);

    expect(await findMarkedComment(client, ref, MARKER)).toEqual({
      id: ours.id,
      body: `${MARKER}\nold body`,
    });
    expect(gh.count('GET', /\/issues\/7\/comments$/)).toBe(3);

    const id = await upsertComment(client, ref, MARKER, `${MARKER}\nnew body`, null);
    expect(id).toBe(ours.id);
    expect(gh.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
    expect(ours.body).toBe(`${MARKER}\nnew body`);
    expect(gh.violations).toEqual([]);
  });

  it('ignores a comment that merely quotes the marker', async () => {
    const client = createGitHubClient('ghs_test_token_123', {
      baseUrl: gh.url,
      logger: memoryLogger(),
      throttle: fastThrottle(),
    });
    gh.addComment('octo', 'shop', 7, `> ${MARKER}\n> quoted`);
    expect(await findMarkedComment(client, ref, MARKER)).toBeNull();
    await upsertComment(client, ref, MARKER, `${MARKER}\nbody`, null);
    expect(gh.comments).toHaveLength(2);
  });

  it('posts a new comment when the known one was deleted', async () => {
    const client = createGitHubClient('ghs_test_token_123', {
      baseUrl: gh.url,
      logger: memoryLogger(),
      throttle: fastThrottle(),
    });
    const id = await upsertComment(client, ref, MARKER, `${MARKER}\nbody`, 999_999);
    expect(id).not.toBe(999_999);
    expect(gh.comments.map((c) => c.id)).toEqual([id]);
  });

  it('waits out a 403 secondary rate limit once, then succeeds', async () => {
    const logger = memoryLogger();
    const client = createGitHubClient('ghs_test_token_123', {
      baseUrl: gh.url,
      logger,
      throttle: fastThrottle(),
    });
    gh.failNext({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    await upsertComment(client, ref, MARKER, `${MARKER}\nbody`, null);
    expect(gh.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([403, 201]);
    expect(logger.warnings.join('\n')).toMatch(/secondary rate limit on POST .*retrying in 1 s/);
    expect(gh.violations).toEqual([]);
  });

  it('gives up after one retry when the secondary limit persists', async () => {
    const logger = memoryLogger();
    const client = createGitHubClient('ghs_test_token_123', {
      baseUrl: gh.url,
      logger,
      throttle: fastThrottle(),
    });
    gh.failNext({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      status: 403,
      times: 2,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit.',
        documentation_url: 'https://docs.github.com',
      },
    });
    await expect(upsertComment(client, ref, MARKER, 'x', null)).rejects.toMatchObject({ status: 403 });
    expect(logger.warnings.join('\n')).toMatch(/giving up/);
  });
});

describe('GitHub Enterprise Server base URL', () => {
  it('sends every request under the configured API root', async () => {
    const gh = await startGitHubStandIn({ apiRoot: '/api/v3' });
    try {
      const client = createGitHubClient(gh.token, { baseUrl: `${gh.url}/`, logger: memoryLogger() });
      gh.seedComments('octo', 'shop', 7, 120);
      expect(await findMarkedComment(client, ref, MARKER)).toBeNull();
      expect(gh.requests.map((r) => r.path)).toEqual([
        '/api/v3/repos/octo/shop/issues/7/comments',
        '/api/v3/repos/octo/shop/issues/7/comments',
      ]);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});
