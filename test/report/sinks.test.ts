import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { commentMarker, renderComment } from '../../src/report/render/markdown.js';
import { CheckRunSink } from '../../src/report/sinks/check-runs.js';
import { writeJobSummary, type SummaryWriter } from '../../src/report/sinks/job-summary.js';
import { PrCommentSink } from '../../src/report/sinks/pr-comment.js';
import { LatestValueThrottle } from '../../src/report/sinks/throttle.js';
import { toRunView } from '../../src/report/view-model.js';
import { fastThrottle } from '../stand-ins/fast-throttle.js';
import { COMMENT_BODY_LIMIT, startGitHubStandIn, type GitHubStandIn } from '../stand-ins/github-api.js';
import { memoryLogger } from '../stand-ins/memory-logger.js';
import { hugeRun } from '../stand-ins/run-fixtures.js';

describe('LatestValueThrottle', () => {
  it('writes the first value at once, coalesces the rest, and flushes the newest in their place', async () => {
    const now = 0;
    const written: string[] = [];
    const throttle = new LatestValueThrottle<string>(
      (value) => {
        written.push(value);
        return Promise.resolve();
      },
      60_000,
      () => undefined,
      () => now,
    );
    throttle.push('a');
    throttle.push('b');
    throttle.push('c');
    expect(written).toEqual(['a']);
    // 'c' waits for the interval; the final value replaces it and is written at once.
    await throttle.flush('final');
    expect(written).toEqual(['a', 'final']);
  });

  it('writes the newest pending value once the interval has passed', async () => {
    let now = 0;
    const written: string[] = [];
    let wrote: () => void = () => undefined;
    const throttle = new LatestValueThrottle<string>(
      (value) => {
        written.push(value);
        wrote();
        return Promise.resolve();
      },
      10,
      () => undefined,
      () => now,
    );
    throttle.push('a');
    now = 50;
    const second = new Promise<void>((resolve) => (wrote = resolve));
    throttle.push('b');
    throttle.push('c');
    await second;
    expect(written).toEqual(['a', 'c']);
  });

  it('reports a rejected write and keeps going', async () => {
    const errors: unknown[] = [];
    const written: string[] = [];
    const throttle = new LatestValueThrottle<string>(
      (value) => {
        written.push(value);
        return value === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      0,
      (error) => errors.push(error),
    );
    await throttle.flush('bad');
    await throttle.flush('good');
    expect(written).toEqual(['bad', 'good']);
    expect(String(errors[0])).toMatch(/boom/);
  });
});

describe('report sinks against the GitHub stand-in', () => {
  let gh: GitHubStandIn;
  let client: GitHubClient;
  const ref = { owner: 'octo', repo: 'shop', issueNumber: 7 };
  const now = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    gh = await startGitHubStandIn();
  });
  afterAll(() => gh.close());
  beforeEach(() => {
    gh.comments.length = 0;
    gh.checkRuns.length = 0;
    gh.requests.length = 0;
    client = createGitHubClient(gh.token, {
      baseUrl: gh.url,
      logger: memoryLogger(),
      throttle: fastThrottle(),
    });
  });

  it('posts a 2,000-WP table as one comment GitHub accepts (the stand-in rejects bodies over 65,536)', async () => {
    const logger = memoryLogger();
    const run = hugeRun(2000);
    const sink = new PrCommentSink({
      client,
      ref,
      marker: commentMarker(run.feature),
      intervalMs: 0,
      logger,
    });
    const ctx = { phase: 'final' as const, runUrl: null, now: now.toISOString() };
    await sink.finish(renderComment(toRunView(run, now), ctx));
    expect(logger.warnings).toEqual([]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);

    // The stand-in does enforce the limit: an unrendered body is refused, and the sink only warns.
    await sink.finish(`${commentMarker(run.feature)}\n${'x'.repeat(COMMENT_BODY_LIMIT)}`);
    expect(gh.requests.at(-1)?.status).toBe(422);
    expect(logger.warnings.join('\n')).toMatch(
      /Could not update the progress comment on octo\/shop#7: HTTP 422/,
    );
  });

  it('stops after one clear warning when the token may not comment', async () => {
    const logger = memoryLogger();
    gh.failNext({
      method: 'GET',
      path: /\/issues\/7\/comments$/,
      status: 403,
      times: 5,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com',
      },
    });
    const sink = new PrCommentSink({ client, ref, marker: commentMarker('f'), intervalMs: 0, logger });
    await sink.finish('one');
    await sink.finish('two');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/needs `permissions: pull-requests: write`/);
    expect(gh.requests).toHaveLength(1);
  });

  it('opens one check run, updates it, and completes it with the conclusion', async () => {
    const ids: number[] = [];
    const sink = new CheckRunSink({
      client,
      owner: 'octo',
      repo: 'shop',
      headSha: 'abc123',
      name: 'kitty-orchestrator (001-demo)',
      detailsUrl: 'https://github.com/octo/shop/actions/runs/1',
      externalId: 'run-1',
      intervalMs: 0,
      logger: memoryLogger(),
      onCheckRunId: (id) => ids.push(id),
    });
    sink.update(() => ({ title: 'Running', summary: 's1', text: 't1' }));
    await sink.finish({ title: 'Needs attention', summary: 's2', text: 't2' }, 'action_required');
    expect(ids).toHaveLength(1);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({
      id: ids[0],
      status: 'completed',
      conclusion: 'action_required',
      detailsUrl: 'https://github.com/octo/shop/actions/runs/1',
      output: { title: 'Needs attention', summary: 's2', text: 't2' },
    });
    expect(gh.violations).toEqual([]);
  });

  it('writes the job summary, replacing what the step wrote before, and only warns without a summary file', async () => {
    const calls: string[] = [];
    const makeWriter = (write: () => Promise<unknown>): SummaryWriter => {
      const writer: SummaryWriter = {
        emptyBuffer: () => (calls.push('empty'), writer),
        addRaw: (text: string) => (calls.push(`raw:${text}`), writer),
        write: (options?: { overwrite?: boolean }) => (
          calls.push(`write:${String(options?.overwrite)}`),
          write()
        ),
      };
      return writer;
    };
    await writeJobSummary(
      makeWriter(() => Promise.resolve()),
      '# hi',
      memoryLogger(),
    );
    expect(calls).toEqual(['empty', 'raw:# hi', 'write:true']);
    const logger = memoryLogger();
    const failing = makeWriter(() =>
      Promise.reject(new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY')),
    );
    await writeJobSummary(failing, '# hi', logger);
    expect(logger.warnings[0]).toMatch(/Could not write the job summary: Unable to find/);
  });
});
