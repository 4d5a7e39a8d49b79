/**
 * The state files of a big run for benchmarks: the event log of `wps` WPs (each claimed, implemented, reviewed,
 * done) written through the real file store, with a snapshot taken `snapshotAt` of the way through, as a running
 * orchestrator leaves them between two snapshot writes.
 */
import { createFileStore } from '../src/state/file-store.js';
import { reduce } from '../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent } from '../src/state/types.js';
import type { GeneratedWp } from './make-graph.js';

function lifeOf(wp: string, n: number): NewEvent[] {
  const attempt = (role: 'implementation' | 'review', agent: string): NewEvent[] => [
    { type: 'attempt_started', wp, role, agent, attempt: 1, logFile: `/logs/${wp}/${role}-1.log` },
    {
      type: 'attempt_finished',
      wp,
      role,
      agent,
      attempt: 1,
      success: true,
      summary: `${agent} finished ${wp}`,
      exitCode: 0,
      durationMs: 1000 + (n % 300),
      costUsd: 0.01,
      tokens: { input: 1200, output: 300 },
    },
  ];
  return [
    { type: 'lane_changed', wp, lane: 'claimed' },
    ...attempt('implementation', 'claude'),
    { type: 'lane_changed', wp, lane: 'for_review' },
    ...attempt('review', 'codex'),
    { type: 'review_verdict', wp, agent: 'codex', verdict: 'approved', summary: 'looks good', findings: [] },
    { type: 'lane_changed', wp, lane: 'done' },
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
