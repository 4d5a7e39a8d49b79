import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tryGit } from '../git/git.js';

/**
 * spec-kitty creates a lane with several dependency lanes from one of them with the others merged in. Its
 * `merge` later merges every lane into the mission branch and checks each for staleness with a single
 * `git merge-base`; with such a lane the merge base is ambiguous (criss-cross), the check sees the sibling
 * lanes' files on both sides, and the merge stops with "lane is stale" (spec-kitty 3.2.7). Moving the mission
 * branch forward to the new lane's starting point (only ever a fast-forward over dependency lanes that are
 * approved or done, which `merge` would fold in first anyway) gives the lane one merge base, and `merge` works.
 */
export async function advanceMissionBranch(
  featureDir: string,
  laneId: string,
  base: string,
  repoDir: string,
): Promise<boolean> {
  const manifest = await readLanes(featureDir);
  const lane = manifest?.lanes?.find((l) => l.lane_id === laneId);
  const mission = manifest?.mission_branch;
  if (!mission || (lane?.depends_on_lanes?.length ?? 0) === 0) return false;
  const ref = `refs/heads/${mission}`;
  const current = await tryGit(['rev-parse', '--verify', '--quiet', ref], repoDir);
  if (current.exitCode !== 0) return false;
  const old = current.stdout.trim();
  if (old === base || (await tryGit(['merge-base', '--is-ancestor', old, base], repoDir)).exitCode !== 0) {
    return false;
  }
  // The old value makes the update atomic: if spec-kitty moved the branch meanwhile, nothing happens.
  const moved = await tryGit(
    ['update-ref', '-m', `kitty-orchestrator: ${laneId} dependencies`, ref, base, old],
    repoDir,
  );
  return moved.exitCode === 0;
}

interface LanesManifest {
  mission_branch?: string;
  lanes?: { lane_id: string; depends_on_lanes?: string[] }[];
}

async function readLanes(featureDir: string): Promise<LanesManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(featureDir, 'lanes.json'), 'utf8')) as LanesManifest;
  } catch {
    return undefined;
  }
}
