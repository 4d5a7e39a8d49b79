/**
 * The state files of a big run for benchmarks: the event log of `wps` WPs (each claimed, implemented, reviewed,
 * done) written through the real file store, with a snapshot taken `snapshotAt` of the way through, as a running
 * orchestrator leaves them between two snapshot writes.
 */
import { createFileStore } from '../src/state/file-store.js';
import { reduce } from '../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent } from '../src/state/types.js';
import { finish, lane, start } from '../test/report/terminal-fixtures.js';
import type { GeneratedWp } from './make-graph.js';

/** One WP from claim to done: implemented by claude, approved by codex. */
function lifeOf(wp: string, n: number): NewEvent[] {
  const cost = { durationMs: 1000 + (n % 300), costUsd: 0.01, tokens: { input: 1200, output: 300 } };
  return [
    lane(wp, 'claimed'),
    start(wp, 'implementation', 'claude'),
    finish(wp, 'implementation', 'claude', cost),
    lane(wp, 'for_review'),
    start(wp, 'review', 'codex'),
    finish(wp, 'review', 'codex', cost),
    { type: 'review_verdict', wp, agent: 'codex', verdict: 'approved', summary: 'looks good', findings: [] },
    lane(wp, 'done'),
  ];
}

/** Write the state of a run of `wps` still going (no run_finished); returns every event recorded. */
export async function writeRunState(
  repoDir: string,
  feature: string,
  wps: readonly GeneratedWp[],
  snapshotAt = 0.9,
): Promise<OrchestrationEvent[]> {
  const store = createFileStore({ repoDir, feature });
  const started: NewEvent = {
    type: 'run_started',
    runId: 'bench-run',
    feature,
    configHash: 'bench',
    workPackages: wps.map((wp) => ({ id: wp.id, title: wp.title, dependencies: wp.dependencies })),
  };
  const recorded = await store.append([started]);
  const cut = Math.floor(wps.length * snapshotAt);
  for (const [n, wp] of wps.entries()) {
    recorded.push(...(await store.append(lifeOf(wp.id, n))));
    if (n + 1 === cut) await store.writeSnapshot(reduce(recorded)!);
  }
  return recorded;
}
