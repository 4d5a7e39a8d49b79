import { it } from 'vitest';
import { setUpJob, runStep } from '../stand-ins/action-harness.js';
import {
  cloneWorkspace,
  git,
  makeOrigin,
  pullRequestPayload,
  SHOP_FEATURE,
  simAgents,
  TempDirs,
} from '../stand-ins/action-repo.js';
import { startCacheService } from '../stand-ins/cache-service.js';
import { startGitHubStandIn } from '../stand-ins/github-api.js';
it('probe', async () => {
  const gh = await startGitHubStandIn();
  const cache = await startCacheService();
  const temp = new TempDirs();
  const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
  const ws = await cloneWorkspace(temp, origin);
  const sha = git(ws, 'rev-parse', 'HEAD');
  const job = await setUpJob({
    workspace: ws,
    gh,
    cache,
    inputs: {
      feature: '001-shop',
      'github-token': gh.token,
      'report-interval-seconds': process.env.PROBE_INTERVAL ?? '0',
    },
    eventName: 'pull_request',
    payload: pullRequestPayload(sha),
    runId: '1',
    runAttempt: '1',
    sha,
    ref: 'refs/pull/7/merge',
  });
  const t0 = Date.now();
  const res = await runStep(job, 'main', (child) => {
    child.stdout!.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n'))
        if (l && !l.startsWith('::debug')) console.log(String(Date.now() - t0).padStart(6), l.slice(0, 150));
    });
  });
  console.log('exit', res.exitCode, Date.now() - t0, 'ms', res.stderr);
  console.log(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join('\n'));
  await gh.close();
  await cache.close();
  await temp.cleanup();
}, 60000);
