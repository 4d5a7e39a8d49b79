import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Feature } from '../feature/types.js';
import { errorMessage } from '../errors.js';
import { git, gitLine } from '../git/git.js';
import { tryUpdateRefs, updateRefs } from '../git/batch.js';
import { branchTip, isDirty } from '../git/repo.js';
import { listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import { BASE_REF_PREFIX, worktreesDir, type RepoContext } from './standalone-workspace.js';

export interface CleanupResult {
  removed: string[];
  kept: { path: string; reason: string }[];
}

/**
 * Removes the feature's worktrees whose branch is fully merged into the base branch, with the branch and its
 * base ref. Anything that might hold work is kept, with the reason: unmerged commits (a squash merge counts as
 * unmerged: we cannot prove otherwise), uncommitted changes, a lock. Never throws for one worktree: a failure
 * to remove it is reported as a reason to keep it.
 */
export async function cleanupFeature(ctx: RepoContext, feature: Feature): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], kept: [] };
  const merged = await mergedBranches(ctx);
  for (const entry of await featureWorktrees(ctx, feature)) {
    const branch = entry.branch ?? '';
    const reason = await reasonToKeep(ctx, entry, branch, merged);
    if (reason !== null) {
      result.kept.push({ path: entry.path, reason });
      continue;
    }
    try {
      await removeWorktreeAndBranch(ctx, entry, branch);
      result.removed.push(entry.path);
    } catch (error) {
      result.kept.push({ path: entry.path, reason: `could not be removed: ${errorMessage(error)}` });
    }
  }
  return result;
}

async function mergedBranches(ctx: RepoContext): Promise<Set<string>> {
  const out = await git(['branch', '--merged', ctx.baseBranch, '--format=%(refname:short)'], ctx.root);
  return new Set(out.split('\n').filter(Boolean));
}

/** Worktrees under `<repo>/.worktrees/` on one of this feature's WP branches. */
async function featureWorktrees(ctx: RepoContext, feature: Feature): Promise<WorktreeEntry[]> {
  const dir = (await realpath(worktreesDir(ctx.root)).catch(() => worktreesDir(ctx.root))) + sep;
  const branchPattern = new RegExp(`^${escapeRegExp(feature.slug)}-WP\\d+$`);
  const entries: WorktreeEntry[] = [];
  for (const entry of await listWorktrees(ctx.root)) {
    const path = await realpath(entry.path).catch(() => entry.path);
    if (path.startsWith(dir) && entry.branch !== null && branchPattern.test(entry.branch))
      entries.push(entry);
  }
  return entries;
}

async function reasonToKeep(
  ctx: RepoContext,
  entry: WorktreeEntry,
  branch: string,
  merged: Set<string>,
): Promise<string | null> {
  if (entry.locked) return 'is locked (git worktree lock)';
  if (entry.prunable) return 'its directory is missing (run git worktree prune)';
  if (await isDirty(entry.path)) return 'has uncommitted changes';
  if (merged.has(branch)) return null;
  const count = Number(
    await gitLine(['rev-list', '--count', `${ctx.baseBranch}..refs/heads/${branch}`], ctx.root),
  );
  return `has ${count} unmerged commit${count === 1 ? '' : 's'}`;
}

async function removeWorktreeAndBranch(
  ctx: RepoContext,
  entry: WorktreeEntry,
  branch: string,
): Promise<void> {
  const tip = await branchTip(branch, ctx.root);
  // Without --force git itself refuses a worktree with changes: a second guard behind isDirty.
  await git(['worktree', 'remove', entry.path], ctx.root);
  // Delete the branch only if it still points where we checked it was merged (compare-and-delete).
  await updateRefs([`delete refs/heads/${branch} ${tip}`], ctx.root);
  await tryUpdateRefs([`delete ${BASE_REF_PREFIX + branch}`], ctx.root);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
