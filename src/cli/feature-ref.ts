import path from 'node:path';
import { resolveFeatureDir } from '../feature/resolve.js';
import type { CliIO } from './io.js';
import { repoRoot } from './repo-root.js';

/** The repo root and the feature's slug (its directory name) from `--repo` and `--feature`. */
export async function resolveTarget(
  io: CliIO,
  repo: string,
  feature: string,
): Promise<{ repoDir: string; slug: string }> {
  const repoDir = await repoRoot(io, repo, { requireGit: false });
  return { repoDir, slug: path.basename(await resolveFeatureDir(feature, repoDir)) };
}
