import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStandIns } from '../stand-ins/use-stand-ins.js';
import { E2E_TIMEOUT_MS, setUpJob, runStep, type JobOptions } from '../stand-ins/action-harness.js';
import {
  cloneWorkspace,
  git,
  makeOrigin,
  originBranches,
  pullRequestPayload,
  SHOP_FEATURE,
  simAgents,
} from '../stand-ins/action-repo.js';

const MARKER = '<!-- kitty-orchestrator:progress feature=001-shop -->';

describe('the action, run as the runner runs it, against local GitHub and cache stand-ins', () => {
  const standIns = useStandIns();
  const { temp } = standIns;

  function jobOptions(workspace: string, overrides: Partial<JobOptions> = {}): JobOptions {
    const sha = git(workspace, 'rev-parse', 'HEAD');
    return {
      workspace,
      gh: standIns.gh,
      cache: standIns.cacheService,
      inputs: { feature: '001-shop', 'github-token': standIns.gh.token, 'report-interval-seconds': '0' },
      eventName: 'pull_request',
      payload: pullRequestPayload(sha),
      runId: '4242',
      runAttempt: '1',
      sha,
      ref: 'refs/pull/7/merge',
      ...overrides,
    };
  }

  it(
    'first run: runs every WP, pushes the branches, saves the state and reports everywhere',
    async () => {
      const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
      const workspace = await cloneWorkspace(temp, origin);
      const job = await setUpJob(jobOptions(workspace));

      const main = await runStep(job, 'main');
      expect(main.errors, main.stdout + main.stderr).toEqual([]);
      expect(main.exitCode).toBe(0);
      expect(main.outputs).toMatchObject({
        status: 'completed',
        'wps-total': '3',
        'wps-done': '3',
        'wps-failed': '0',
        'wps-blocked': '0',
        escalation: '',
        'state-key': 'kitty-orchestrator-001-shop-pr-7-4242-1-1',
      });

      // One comment, edited in place, final.
      const ours = standIns.gh.comments.filter((c) => c.body.startsWith(MARKER));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.body).toContain('✅ Completed');
      expect(ours[0]!.body).toMatch(/\| WP02 \| Checkout page \| ✅ done \| sim \|/);
      expect(ours[0]!.body).toContain('https://github.com/octo/shop/actions/runs/4242/attempts/1');

      // One check run for the feature, on the PR's head commit, completed successfully.
      expect(standIns.gh.checkRuns).toHaveLength(1);
      expect(standIns.gh.checkRuns[0]).toMatchObject({
        name: 'kitty-orchestrator (001-shop)',
        headSha: job.options.sha,
        status: 'completed',
        conclusion: 'success',
      });
      expect(standIns.gh.checkRuns[0]!.output.summary).toContain('| WP03 | Receipts |');

      expect(main.summary).toContain('3/3 done');
      expect(standIns.cacheService.keys()).toContain('kitty-orchestrator-001-shop-pr-7-4242-1-1');
      expect(originBranches(origin)).toEqual(['001-shop-WP01', '001-shop-WP02', '001-shop-WP03', 'main']);
      expect(standIns.gh.violations).toEqual([]);
      expect(standIns.cacheService.violations).toEqual([]);

      // The post step sees the main step finished: it saves and posts nothing.
      const before = { requests: standIns.gh.requests.length, keys: standIns.cacheService.keys().length };
      const post = await runStep(job, 'post');
      expect(post.exitCode).toBe(0);
      expect({ requests: standIns.gh.requests.length, keys: standIns.cacheService.keys().length }).toEqual(
        before,
      );

      // Re-running the job (attempt 2) in a fresh checkout restores the state: nothing is run again.
      const rerunWorkspace = await cloneWorkspace(temp, origin);
      const rerun = await setUpJob(jobOptions(rerunWorkspace, { runAttempt: '2' }));
      const second = await runStep(rerun, 'main');
      expect(second.exitCode, second.stdout).toBe(0);
      expect(second.stdout).toContain(
        'Restored orchestration state from the Actions cache (kitty-orchestrator-001-shop-pr-7-4242-1-1)',
      );
      expect(second.outputs).toMatchObject({
        status: 'completed',
        'wps-done': '3',
        'state-key': 'kitty-orchestrator-001-shop-pr-7-4242-2-1',
      });
      const events = (
        await readFile(
          path.join(rerunWorkspace, '.kittify', 'orchestration', '001-shop', 'events.jsonl'),
          'utf8',
        )
      )
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; wp?: string });
      const lastStart = events.map((e) => e.type).lastIndexOf('run_started');
      expect(events.slice(lastStart).filter((e) => e.type === 'attempt_started')).toEqual([]);
      expect(standIns.gh.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
      expect(standIns.gh.violations).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'the committed bundle (dist/) runs a feature outside a PR, with the sim agent beside it',
    async () => {
      const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
      const workspace = await cloneWorkspace(temp, origin);
      const base = jobOptions(workspace);
      const job = await setUpJob({
        ...base,
        runner: 'dist',
        eventName: 'workflow_dispatch',
        payload: { inputs: {} },
        ref: 'refs/heads/main',
        runId: '6000',
        // The feature named by its directory, as a workflow may.
        inputs: { ...base.inputs, feature: 'kitty-specs/001-shop', 'push-branches': 'false' },
      });
      const main = await runStep(job, 'main');
      expect(main.exitCode, main.stdout + main.stderr).toBe(0);
      expect(main.outputs).toMatchObject({
        status: 'completed',
        'wps-done': '3',
        'state-key': 'kitty-orchestrator-001-shop-main-6000-1-1',
      });
      expect(standIns.gh.comments).toEqual([]);
      expect(standIns.gh.checkRuns.map((r) => [r.headSha, r.conclusion])).toEqual([
        [job.options.sha, 'success'],
      ]);
      expect(main.summary).toContain('3/3 done');
      expect(originBranches(origin)).toEqual(['main']);
      const log = await readFile(
        path.join(workspace, '.kittify', 'logs', '001-shop', 'WP01-implementation-1.log'),
        'utf8',
      );
      expect(log).toContain(path.join('dist', 'kitty-sim-agent.mjs'));
      expect(standIns.gh.violations).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it('refuses a fork PR with a clear message, before restoring or running anything', async () => {
    const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
    const workspace = await cloneWorkspace(temp, origin);
    const sha = git(workspace, 'rev-parse', 'HEAD');
    const keysBefore = standIns.cacheService.log.length;
    const job = await setUpJob(
      jobOptions(workspace, { payload: pullRequestPayload(sha, 'mallory/shop'), runId: '5000' }),
    );

    const main = await runStep(job, 'main');
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /Refusing to run agents on pull request #7 from mallory\/shop into octo\/shop: .*allow-fork-prs: true/,
    );
    expect(main.outputs.status).toBe('refused');
    expect(standIns.gh.requests).toEqual([]);
    expect(standIns.cacheService.log.length).toBe(keysBefore);
    expect(originBranches(origin)).toEqual(['main']);

    const post = await runStep(job, 'post');
    expect(post.exitCode).toBe(0);
    expect(standIns.gh.requests).toEqual([]);
  });

  it('names the input at fault and still sets every output', async () => {
    const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
    const workspace = await cloneWorkspace(temp, origin);
    const options = jobOptions(workspace);
    const job = await setUpJob({ ...options, inputs: { ...options.inputs, concurrency: 'lots' } });
    const main = await runStep(job, 'main');
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual(['input "concurrency" must be a whole number from 1 to 100 (got "lots")']);
    expect(main.outputs).toEqual({
      status: 'error',
      'wps-total': '0',
      'wps-done': '0',
      'wps-failed': '0',
      'wps-blocked': '0',
      'cost-usd': '0',
      tokens: '0',
      budget: '',
      escalation: '',
      'state-key': '',
    });
  });
});
