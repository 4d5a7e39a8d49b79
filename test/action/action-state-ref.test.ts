import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useStandIns } from '../stand-ins/use-stand-ins.js';
import { E2E_TIMEOUT_MS, runStep, setUpJob, type JobOptions } from '../stand-ins/action-harness.js';
import { cloneWorkspace, git, makeOrigin, pullRequestPayload, simAgents } from '../stand-ins/action-repo.js';
import type { FeatureSpec } from '../helpers/feature-fixtures.js';

/** Eight WPs: five on their own, then a chain WP06 -> WP07 -> WP08 whose head fails on the first try. */
const EIGHT: FeatureSpec = {
  slug: '002-store',
  wps: [
    ...['WP01', 'WP02', 'WP03', 'WP04', 'WP05', 'WP06'].map((id, i) => ({
      id,
      title: `Part ${id}`,
      subtasks: [`T00${i + 1}`],
    })),
    { id: 'WP07', title: 'Part WP07', dependencies: ['WP06'], subtasks: ['T007'] },
    { id: 'WP08', title: 'Part WP08', dependencies: ['WP07'], subtasks: ['T008'] },
  ],
};

const MARKER = '<!-- kitty-orchestrator:progress feature=002-store -->';
const ESCALATION = '<!-- kitty-orchestrator:escalation feature=002-store wp=WP06 -->';

type Event = { type: string; wp?: string; role?: string };

async function events(workspace: string): Promise<Event[]> {
  const file = path.join(workspace, '.kittify', 'orchestration', '002-store', 'events.jsonl');
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
}

describe('state shared by every trigger through a pushed ref', () => {
  const standIns = useStandIns();
  const { temp } = standIns;

  function jobOptions(workspace: string, overrides: Partial<JobOptions>): JobOptions {
    const sha = git(workspace, 'rev-parse', 'HEAD');
    return {
      workspace,
      gh: standIns.gh,
      cache: standIns.cacheService,
      inputs: { feature: '002-store', 'github-token': standIns.gh.token },
      eventName: 'pull_request',
      payload: pullRequestPayload(sha),
      runId: '3100',
      runAttempt: '1',
      sha,
      ref: 'refs/pull/7/merge',
      ...overrides,
    };
  }

  it(
    'a PR run does 5 of 8 WPs; with the cache evicted, a dispatch run does the other 3 and updates the PR comment',
    async () => {
      const failing = simAgents({ fail_first: 1, fail_wps: ['WP06'], failure: 'crash' });
      const origin = await makeOrigin(temp, EIGHT, failing);
      const first = await cloneWorkspace(temp, origin);
      const pr = await runStep(await setUpJob(jobOptions(first, {})), 'main');
      expect(pr.exitCode, pr.stdout).toBe(1);
      expect(pr.outputs).toMatchObject({ 'wps-done': '5', 'wps-failed': '1', 'wps-blocked': '2' });
      expect(pr.stdout).toContain(
        'Pushed the orchestration state to refs/kitty-orchestrator/state/kitty-orchestrator/002-store/main',
      );
      expect(git(origin, 'for-each-ref', '--format=%(refname)', 'refs/kitty-orchestrator/state')).toBe(
        'refs/kitty-orchestrator/state/kitty-orchestrator/002-store/main',
      );
      const comment = standIns.gh.comments.find((c) => c.body.startsWith(MARKER))!;
      expect(comment.body).toContain('5/8 done');
      const escalation = standIns.gh.comments.find((c) => c.body.startsWith(ESCALATION))!.body;
      expect(escalation).toContain('WP06');

      // Each WP's logs are an artifact; the comment, check run and escalation link to them, the branch and its diff.
      const artifacts = standIns.cacheService.artifacts;
      expect(artifacts.names().sort()).toEqual(
        ['WP01', 'WP02', 'WP03', 'WP04', 'WP05', 'WP06'].map(
          (wp) => `kitty-orchestrator-logs-002-store-${wp}-3100-1`,
        ),
      );
      const wp06 = artifacts.artifacts.find((a) => a.name.includes('-WP06-'))!;
      const zip = standIns.cacheService.blobs.get(wp06.blob)!;
      expect(zip.subarray(0, 2).toString()).toBe('PK');
      expect(zip.includes('WP06-implementation-1.log')).toBe(true);
      const logsUrl = `https://github.com/octo/shop/actions/runs/3100/artifacts/${wp06.id}`;
      const wp06Links =
        '[branch](https://github.com/octo/shop/tree/002-store-WP06) · ' +
        '[diff](https://github.com/octo/shop/compare/main...002-store-WP06) · ' +
        `[logs](${logsUrl})`;
      expect(escalation).toContain(`Open: ${wp06Links}`);
      expect(comment.body).toContain(wp06Links);
      expect(standIns.gh.checkRuns.at(-1)!.output.summary).toContain(wp06Links);
      expect(standIns.cacheService.violations).toEqual([]);

      // A week later: the cache entry is gone. Someone fixes the cause and starts the workflow by hand.
      standIns.cacheService.evictAll();
      const second = await cloneWorkspace(temp, origin);
      await writeFile(path.join(second, '.kittify', 'agents.yaml'), stringify(simAgents()));
      const dispatch = await runStep(
        await setUpJob(
          jobOptions(second, {
            eventName: 'workflow_dispatch',
            payload: { inputs: {} },
            ref: 'refs/heads/main',
            runId: '3200',
          }),
        ),
        'main',
      );
      expect(dispatch.exitCode, dispatch.stdout).toBe(0);
      expect(dispatch.stdout).toContain('No saved state for');
      expect(dispatch.stdout).toContain(
        'Restored orchestration state from refs/kitty-orchestrator/state/kitty-orchestrator/002-store/main',
      );
      expect(dispatch.outputs).toMatchObject({ status: 'completed', 'wps-done': '8' });
      const log = await events(second);
      const resumed = log.map((e) => e.type).lastIndexOf('run_resumed');
      expect(resumed).toBeGreaterThan(0);
      const implemented = log
        .slice(resumed)
        .filter((e) => e.type === 'attempt_started' && e.role === 'implementation')
        .map((e) => e.wp)
        .sort();
      expect(implemented).toEqual(['WP06', 'WP07', 'WP08']);

      // The same PR comment, now final; the escalation says it was resolved.
      const ours = standIns.gh.comments.filter((c) => c.body.startsWith(MARKER));
      expect(ours.map((c) => c.id)).toEqual([comment.id]);
      expect(ours[0]!.body).toContain('✅ Completed');
      expect(ours[0]!.body).toContain('8/8 done');
      expect(standIns.gh.comments.find((c) => c.body.startsWith(ESCALATION))?.body).toMatch(/resolved/i);
      expect(standIns.gh.violations).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );
});
