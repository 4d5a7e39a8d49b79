import { describe, expect, it } from 'vitest';
import { useStandIns } from '../stand-ins/use-stand-ins.js';
import type { FeatureSpec } from '../helpers/feature-fixtures.js';
import { laneEvent } from '../helpers/feature-fixtures.js';
import { runStep, setUpJob, type JobOptions } from '../stand-ins/action-harness.js';
import { cloneWorkspace, git, makeOrigin, pullRequestPayload, simAgents } from '../stand-ins/action-repo.js';
import { COMMENT_BODY_LIMIT } from '../stand-ins/github-api.js';

/** Two independent WPs: enough events to throttle and one WP to fail, in a short run. */
const PAIR: FeatureSpec = {
  slug: '001-shop',
  wps: [
    { id: 'WP01', title: 'Cart model', subtasks: ['T001'] },
    { id: 'WP02', title: 'Receipts', subtasks: ['T002'] },
  ],
};

const marker = (slug: string) => `<!-- kitty-orchestrator:progress feature=${slug} -->`;

describe('the action reporting on a PR', () => {
  const standIns = useStandIns();
  const { temp } = standIns;
  let runId = 9000;

  async function job(feature: FeatureSpec, agents: unknown, inputs: Record<string, string> = {}) {
    const origin = await makeOrigin(temp, feature, agents);
    const workspace = await cloneWorkspace(temp, origin);
    const sha = git(workspace, 'rev-parse', 'HEAD');
    // One PR and feature in every test: a key prefix of its own keeps one test's saved state from another.
    const prefix = `test${runId}`;
    const options: JobOptions = {
      workspace,
      gh: standIns.gh,
      cache: standIns.cacheService,
      inputs: {
        feature: feature.slug,
        'github-token': standIns.gh.token,
        'state-key-prefix': prefix,
        ...inputs,
      },
      eventName: 'pull_request',
      payload: pullRequestPayload(sha),
      runId: String(runId++),
      runAttempt: '1',
      sha,
      ref: 'refs/pull/7/merge',
    };
    return setUpJob(options);
  }

  it('finds its comment past the first page and edits it at most once per interval', async () => {
    standIns.gh.seedComments('octo', 'shop', 7, 120);
    const earlier = standIns.gh.addComment('octo', 'shop', 7, `${marker('001-shop')}\nfrom an earlier run`);
    const main = await runStep(await job(PAIR, simAgents(), { 'report-interval-seconds': '3600' }), 'main');
    expect(main.exitCode, main.stdout).toBe(0);

    const ours = standIns.gh.comments.filter((c) => c.body.startsWith(marker('001-shop')));
    expect(ours.map((c) => c.id)).toEqual([earlier.id]);
    expect(earlier.body).toContain('✅ Completed');
    // Dozens of events, one interval: the first update and the final one, nothing between.
    expect(standIns.gh.count('POST', /\/issues\/7\/comments$/)).toBe(0);
    expect(standIns.gh.count('PATCH', /\/issues\/comments\//)).toBe(2);
    expect(standIns.gh.count('POST', /\/check-runs$/)).toBe(1);
    expect(standIns.gh.count('PATCH', /\/check-runs\//)).toBe(1);
    expect(standIns.gh.violations).toEqual([]);
  });

  it('waits out a 403 secondary rate limit and then posts', async () => {
    standIns.gh.failNext({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    const main = await runStep(await job(PAIR, simAgents(), { reports: 'comment' }), 'main');
    expect(main.exitCode, main.stdout).toBe(0);
    expect(standIns.gh.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([403, 201]);
    expect(main.warnings.join('\n')).toMatch(/secondary rate limit on POST .*retrying in 1 s/);
    expect(standIns.gh.comments.filter((c) => c.body.startsWith(marker('001-shop')))).toHaveLength(1);
    expect(standIns.gh.checkRuns).toEqual([]);
  });

  it('escalates a WP that failed every agent: comment with the log tail, action_required, failed step', async () => {
    const agents = simAgents({ fail_first: 99, fail_wps: ['WP02'], failure: 'crash' });
    const main = await runStep(await job(PAIR, agents, { 'report-interval-seconds': '3600' }), 'main');
    expect(main.exitCode, main.stdout).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /1 work package\(s\) failed with every agent: WP02 .*Fix the cause, then re-run this job to resume\./,
    );
    expect(main.outputs).toMatchObject({ status: 'paused', 'wps-done': '1', 'wps-failed': '1' });
    expect(main.outputs.escalation).toMatch(/WP02/);

    const escalation = standIns.gh.comments.find((c) =>
      c.body.startsWith('<!-- kitty-orchestrator:escalation feature=001-shop wp=WP02 -->'),
    );
    expect(escalation?.body).toContain('WP02 failed every agent');
    expect(escalation?.body).toMatch(
      /<details><summary>Last \d+ lines of <code>\.kittify\/logs\/001-shop\/WP02-/,
    );
    expect(escalation?.body).toContain('**To resume**');
    expect(standIns.gh.checkRuns[0]).toMatchObject({
      conclusion: 'action_required',
      detailsUrl: expect.stringContaining('/actions/runs/'),
    });
    const progress = standIns.gh.comments.find((c) => c.body.startsWith(marker('001-shop')));
    expect(progress?.body).toContain('⚠️ Needs attention');
    expect(standIns.gh.violations).toEqual([]);
  });

  it('keeps an oversized progress comment under GitHub\u2019s limit, with a note', async () => {
    const count = 900;
    const ids = Array.from({ length: count }, (_, i) => `WP${String(i + 1).padStart(4, '0')}`);
    const big: FeatureSpec = {
      slug: '002-big',
      wps: ids.map((id) => ({ id, title: `A long title for ${id} that fills the table cell to its limit` })),
      // Every WP but the last is done already (spec-kitty's lanes): the run only has one to do.
      events: ids.slice(0, -1).map((id) => laneEvent(id, 'done')),
    };
    const main = await runStep(
      await job(big, simAgents(), { 'report-interval-seconds': '3600', reports: 'comment,summary' }),
      'main',
    );
    expect(main.exitCode, main.stdout + main.stderr).toBe(0);
    const comment = standIns.gh.comments.find((c) => c.body.startsWith(marker('002-big')));
    expect(comment).toBeDefined();
    expect(comment!.body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(comment!.body).toMatch(
      /more work packages not shown here \(size limit\); the job summary lists them all/,
    );
    expect(main.summary).toContain('| WP0900 |');
    expect(main.warnings.filter((w) => /comment/.test(w))).toEqual([]);
    expect(standIns.gh.requests.every((r) => r.status < 400)).toBe(true);
  });
});
