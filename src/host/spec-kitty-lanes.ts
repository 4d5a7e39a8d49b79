import { normaliseLane } from '../feature/lanes.js';
import type { Feature, Lane } from '../feature/types.js';
import type { SpecKittyCli } from './spec-kitty-cli.js';
import { readSpecKittyView } from './spec-kitty-log.js';
import type { StartingLane } from './types.js';

/** Lanes in which a WP is somebody's work under way. */
const HELD: readonly Lane[] = ['claimed', 'in_progress', 'for_review', 'in_review', 'blocked'];

/**
 * The lanes a run starts from, as spec-kitty sees them (`orchestrator-api mission-state`): `done` and
 * `approved` WPs count as done (their dependents may start), `canceled` ones never run, and a WP another actor
 * holds is left alone (shown as blocked, with who holds it). Our own claims are taken up again.
 */
export async function startingLanes(
  cli: SpecKittyCli,
  feature: Feature,
  actor: string,
): Promise<Map<string, StartingLane>> {
  const state = await cli.api(['mission-state', '--mission', feature.slug]);
  // mission-state reports last_actor as null (a known spec-kitty bug): who holds a WP comes from its log.
  const view = await readSpecKittyView(feature.dir);
  const lanes = new Map<string, StartingLane>();
  for (const { wpId, lane } of missionLanes(state.data)) {
    const holder = view.lanes.get(wpId)?.actor ?? '';
    if (lane === 'done' || lane === 'approved') {
      lanes.set(wpId, { lane: 'done', reason: `${lane} in spec-kitty before this run` });
    } else if (lane === 'canceled') {
      lanes.set(wpId, { lane: 'canceled', reason: 'canceled in spec-kitty' });
    } else if (HELD.includes(lane) && holder !== actor) {
      const who = holder === '' ? 'another actor' : holder;
      lanes.set(wpId, { lane: 'blocked', reason: `${lane} in spec-kitty, held by ${who}: left alone` });
    }
  }
  return lanes;
}

function missionLanes(data: Record<string, unknown>): { wpId: string; lane: Lane }[] {
  const wps = Array.isArray(data.work_packages) ? (data.work_packages as unknown[]) : [];
  return wps.flatMap((wp) => {
    const v = wp as Record<string, unknown> | null;
    return typeof v?.wp_id === 'string' && typeof v.lane === 'string'
      ? [{ wpId: v.wp_id, lane: normaliseLane(v.lane, 'orchestrator-api mission-state').lane }]
      : [];
  });
}
