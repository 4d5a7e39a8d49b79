import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStandIns } from '../stand-ins/use-stand-ins.js';
import { E2E_TIMEOUT_MS, runStep, setUpJob, type JobOptions } from '../stand-ins/action-harness.js';
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

type Event = { type: string; wp?: string; lane?: string; role?: string };

async function readEvents(workspace: string): Promise<Event[]> {
  const file = path.join(workspace, '.kittify', 'orchestration', '001-shop', 'events.jsonl');
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Event];
      } catch {
        return []; // a line torn by the kill
      }
    });
}

/** Resolves once `predicate` holds for the workspace's event log (polled; the test's timeout bounds it). */
async function waitForEvents(workspace: string, predicate: (events: Event[]) => boolean): Promise<void> {
  while (!predicate(await readEvents(workspace))) await new Promise((r) => setTimeout(r, 25));
}

describe('cancelling the action mid-run', () => {
  const standIns = useStandIns();
  const { temp } = standIns;

  function jobOptions(workspace: string, runAttempt: string): JobOptions {
    const sha = git(workspace, 'rev-parse', 'HEAD');
    return {
      workspace,
      gh: standIns.gh,
      cache: standIns.cacheService,
      inputs: { feature: '001-shop', 'github-token': standIns.gh.token, concurrency: '1' },
      eventName: 'pull_request',
      payload: pullRequestPayload(sha),
      runId: '777',
      runAttempt,
      sha,
      ref: 'refs/pull/7/merge',
    };
  }

  it(
    'killed main: the post step saves and finalises; a re-run resumes without redoing finished WPs',
    async () => {
      const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents({ duration_ms: 100 }));
      const workspace = await cloneWorkspace(temp, origin);
      const job = await setUpJob(jobOptions(workspace, '1'));

      // The runner's last resort after the grace period, or a crash: the main step gets no chance to clean up.
      const main = await runStep(job, 'main', {
        runner: 'source',
        control: (child) => {
          void waitForEvents(workspace, (events) =>
            events.some((e) => e.type === 'lane_changed' && e.lane === 'done'),
          ).then(() => child.kill('SIGKILL'));
        },
      });
      expect(main.signal).toBe('SIGKILL');
      const done = (await readEvents(workspace))
        .filter((e) => e.type === 'lane_changed' && e.lane === 'done')
        .map((e) => e.wp!);
      expect(done.length).toBeGreaterThan(0);
      expect(standIns.cacheService.keys().filter((k) => k.includes('-777-'))).toEqual([]);

      const post = await runStep(job, 'post');
      expect(post.exitCode, post.stdout).toBe(0);
      expect(post.stdout).toContain('The main step did not finish');
      expect(standIns.cacheService.keys()).toContain('kitty-orchestrator-001-shop-pr-7-777-1-1');
      const comment = standIns.gh.comments.find((c) => c.body.startsWith(MARKER));
      expect(comment?.body).toContain('⏹️ Cancelled');
      expect(comment?.body).toContain('re-run this job');
      expect(standIns.gh.checkRuns).toHaveLength(1);
      expect(standIns.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
      expect(post.summary).toContain('⏹️ Cancelled');
      for (const wp of done) expect(originBranches(origin)).toContain(`001-shop-${wp}`);

      // Re-run the job: a fresh runner, the state from the cache, the finished WPs' branches from the remote.
      const rerunWorkspace = await cloneWorkspace(temp, origin);
      const rerun = await setUpJob(jobOptions(rerunWorkspace, '2'));
      const second = await runStep(rerun, 'main');
      expect(second.exitCode, second.stdout + second.stderr).toBe(0);
      expect(second.stdout).toContain(
        'Restored orchestration state from the Actions cache (kitty-orchestrator-001-shop-pr-7-777-1-1)',
      );
      expect(second.outputs).toMatchObject({ status: 'completed', 'wps-done': '3' });
      const events = await readEvents(rerunWorkspace);
      expect(events.map((e) => e.type)).toContain('run_resumed');
      for (const wp of done) {
        const implementations = events.filter(
          (e) => e.type === 'attempt_started' && e.wp === wp && e.role === 'implementation',
        );
        expect(implementations, `${wp} was implemented again`).toHaveLength(1);
      }
      // Still one comment, now final; one check run per job attempt.
      const ours = standIns.gh.comments.filter((c) => c.body.startsWith(MARKER));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.body).toContain('✅ Completed');
      expect(standIns.gh.checkRuns.map((r) => r.conclusion)).toEqual(['cancelled', 'success']);
      expect(standIns.gh.violations).toEqual([]);
      expect(standIns.cacheService.violations).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    'SIGINT (the runner cancelling): agents are stopped, the state saved and the reports finalised by main',
    async () => {
      standIns.gh.comments.length = 0;
      standIns.gh.checkRuns.length = 0;
      const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents({ duration_ms: 20_000 }));
      const workspace = await cloneWorkspace(temp, origin);
      // A key prefix of its own: the cache service is shared with the test above, whose run completed.
      const options = jobOptions(workspace, '1');
      const job = await setUpJob({
        ...options,
        runId: '778',
        inputs: { ...options.inputs, 'state-key-prefix': 'sigint' },
      });

      // A real signal to a real process: the runner's cancellation, handled by the entry itself.
      let signalledAt = 0;
      const main = await runStep(job, 'main', {
        runner: 'source',
        control: (child) => {
          void waitForEvents(workspace, (events) => events.some((e) => e.type === 'attempt_started')).then(
            () => {
              signalledAt = performance.now();
              child.kill('SIGINT');
            },
          );
        },
      });
      const wrapUpMs = performance.now() - signalledAt;
      console.log(`SIGINT to the end of the main step: ${Math.round(wrapUpMs)} ms`);
      // The runner sends SIGTERM 7.5 s after SIGINT; a generous bound, the figure itself goes in the report.
      expect(wrapUpMs).toBeLessThan(7500);
      expect(main.exitCode).toBe(1);
      expect(main.errors.join('\n')).toMatch(
        /did not complete \(the job was cancelled\): re-run this job to resume\./,
      );
      expect(main.outputs).toMatchObject({
        status: 'cancelled',
        'state-key': 'sigint-001-shop-pr-7-778-1-1',
      });
      // One wording for a cancelled run everywhere, and nothing left "running".
      const comment = standIns.gh.comments.find((c) => c.body.startsWith(MARKER));
      expect(comment?.body).toContain('⏹️ Cancelled');
      expect(comment?.body).not.toMatch(/\d+ running|🔄/);
      expect(main.summary).toContain('⏹️ Cancelled');
      const notices = main.stdout.split('\n').filter((l) => l.startsWith('::notice::'));
      expect(notices.join('\n')).toMatch(
        /^::notice::kitty-orchestrator · 001-shop: ⏹️ Cancelled: 0\/3 work packages done/m,
      );
      expect(standIns.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
      // Only a WP that started may have a branch on the remote (a worktree prepared ahead does not count).
      const started = new Set(
        (await readEvents(workspace))
          .filter((e) => e.type === 'attempt_started')
          .map((e) => `001-shop-${e.wp}`),
      );
      expect(started.size).toBeGreaterThan(0);
      for (const branch of originBranches(origin).filter((b) => b !== 'main'))
        expect(started).toContain(branch);

      // main finished its work: the post step adds nothing.
      const requests = standIns.gh.requests.length;
      const post = await runStep(job, 'post');
      expect(post.exitCode).toBe(0);
      expect(standIns.gh.requests.length).toBe(requests);
      expect(standIns.cacheService.keys().filter((k) => k.includes('-778-'))).toEqual([
        'sigint-001-shop-pr-7-778-1-1',
      ]);
    },
    E2E_TIMEOUT_MS,
  );
});
