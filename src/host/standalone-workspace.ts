import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../engine/types.js';
import { KittyError } from '../errors.js';
import type { Feature, WorkPackage } from '../feature/types.js';
import { git, GitError, gitLine, tryGit } from '../git/git.js';
import { branchExists, identityArgs, isAncestor, resolveCommit } from '../git/repo.js';
import { listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import type { Workspace } from './types.js';

/**
 * Creating and reusing a WP's worktree for the standalone host. Naming follows spec-kitty ≤ 2.x, so worktrees
 * it made are picked up too: `<repo>/.worktrees/<feature>-WPnn` on branch `<feature>-WPnn`.
 *
 * The commit a WP started from is kept in a ref, `refs/kitty-orchestrator/base/<branch>`. A ref survives the
 * worktree being removed by hand (a file in the worktree's git dir would not), needs no repository setting
 * (`git config --worktree` needs the worktreeConfig extension, which older git tools refuse), is updated
 * atomically, and is exact where a merge-base is not: for a WP with several dependencies the base is the merge
 * commit we made, which no merge-base yields. A merge-base is only the fallback for branches made by others.
 */

/** What the host knows about its repository. */
export interface RepoContext {
  /** The repository's top-level directory (real path). */
  root: string;
  baseBranch: string;
  logger: Logger;
}

export const BASE_REF_PREFIX = 'refs/kitty-orchestrator/base/';

export const wpBranch = (feature: Feature, wpId: string): string => `${feature.slug}-${wpId}`;

export const worktreesDir = (root: string): string => join(root, '.worktrees');

/** Create the WP's worktree, or reuse the one a previous run left (never reset: it may hold the agent's work). */
export async function prepareWorkspace(ctx: RepoContext, feature: Feature, wpId: string): Promise<Workspace> {
  const wp = findWorkPackage(feature, wpId);
  const branch = wpBranch(feature, wpId);
  const path = join(worktreesDir(ctx.root), branch);
  await git(['worktree', 'prune'], ctx.root); // forget worktrees whose directories were deleted by hand
  const existing = await findWorktree(ctx.root, path);
  if (existing !== undefined) return reuseWorktree(ctx, feature, wp, existing, path);
  if (await exists(path)) {
    throw new KittyError('host', `${wpId}: ${path} exists but is not a git worktree; move it away and retry`);
  }
  if (await branchExists(branch, ctx.root)) {
    // The worktree was removed but the branch (and maybe the agent's commits) is still there: check it out again.
    await git(['worktree', 'add', path, branch], ctx.root);
    ctx.logger.info(`${wpId}: recreated worktree ${path} on existing branch ${branch}`);
    return { wpId, path, branch, baseCommit: await recordedBase(ctx, feature, wp, branch) };
  }
  return createWorktree(ctx, feature, wp, path);
}

function findWorkPackage(feature: Feature, wpId: string): WorkPackage {
  const wp = feature.workPackages.find((candidate) => candidate.id === wpId);
  if (wp === undefined)
    throw new KittyError('host', `${wpId} is not a work package of feature ${feature.slug}`);
  return wp;
}

async function findWorktree(root: string, path: string): Promise<WorktreeEntry | undefined> {
  const target = await realpathOrSelf(path);
  for (const entry of await listWorktrees(root)) {
    if ((await realpathOrSelf(entry.path)) === target) return entry;
  }
  return undefined;
}

async function reuseWorktree(
  ctx: RepoContext,
  feature: Feature,
  wp: WorkPackage,
  entry: WorktreeEntry,
  path: string,
): Promise<Workspace> {
  const branch = wpBranch(feature, wp.id);
  if (entry.branch !== branch) {
    const actual = entry.branch === null ? 'a detached HEAD' : `branch ${entry.branch}`;
    throw new KittyError('host', `${wp.id}: worktree ${path} is on ${actual}, expected ${branch}`);
  }
  ctx.logger.debug(`${wp.id}: reusing worktree ${path}`);
  return { wpId: wp.id, path, branch, baseCommit: await recordedBase(ctx, feature, wp, branch) };
}

/**
 * The base recorded when we made the branch; if it is missing or no longer an ancestor (the branch was made by
 * someone else, or rewritten), the fork point from the WP's start branch, recorded for next time.
 */
async function recordedBase(
  ctx: RepoContext,
  feature: Feature,
  wp: WorkPackage,
  branch: string,
): Promise<string> {
  const recorded = await resolveCommit(BASE_REF_PREFIX + branch, ctx.root);
  if (recorded !== null && (await isAncestor(recorded, `refs/heads/${branch}`, ctx.root))) return recorded;
  const firstDependency = wp.dependencies[0];
  const start = firstDependency === undefined ? ctx.baseBranch : wpBranch(feature, firstDependency);
  const fork = await tryGit(['merge-base', `refs/heads/${branch}`, start], ctx.root);
  const base =
    fork.exitCode === 0 ? fork.stdout.trim() : await gitLine(['rev-parse', `refs/heads/${branch}`], ctx.root);
  ctx.logger.warn(`${wp.id}: no recorded base for ${branch}; counting its work from ${base.slice(0, 12)}`);
  await git(['update-ref', BASE_REF_PREFIX + branch, base], ctx.root);
  return base;
}

async function createWorktree(
  ctx: RepoContext,
  feature: Feature,
  wp: WorkPackage,
  path: string,
): Promise<Workspace> {
  const branch = wpBranch(feature, wp.id);
  const starts = await startBranches(ctx, feature, wp);
  const [first, ...others] = starts;
  await git(['worktree', 'add', '--no-track', '-b', branch, path, first?.branch ?? ctx.baseBranch], ctx.root);
  try {
    await mergeDependencies(wp, path, starts);
  } catch (error) {
    await discardWorktree(ctx.root, path, branch);
    throw error;
  }
  const baseCommit = await gitLine(['rev-parse', 'HEAD'], path);
  await git(['update-ref', BASE_REF_PREFIX + branch, baseCommit], ctx.root);
  const from = starts.length === 0 ? ctx.baseBranch : starts.map((s) => s.branch).join(' + ');
  ctx.logger.debug(
    `${wp.id}: created worktree ${path} on ${branch} from ${from}${others.length ? ' (merged)' : ''}`,
  );
  return { wpId: wp.id, path, branch, baseCommit };
}

/** The dependencies' branches (all must exist), or the base branch's check when there are none. */
async function startBranches(
  ctx: RepoContext,
  feature: Feature,
  wp: WorkPackage,
): Promise<{ wpId: string; branch: string }[]> {
  if (wp.dependencies.length === 0) {
    if (!(await branchExists(ctx.baseBranch, ctx.root))) {
      throw new KittyError('host', `${wp.id}: base branch ${ctx.baseBranch} does not exist in ${ctx.root}`);
    }
    return [];
  }
  const starts = wp.dependencies.map((dep) => ({ wpId: dep, branch: wpBranch(feature, dep) }));
  for (const start of starts) {
    if (!(await branchExists(start.branch, ctx.root))) {
      throw new KittyError(
        'host',
        `${wp.id}: branch ${start.branch} of dependency ${start.wpId} does not exist; implement ${start.wpId} first`,
      );
    }
  }
  return starts;
}

/** Merges the second and later dependencies into the new branch; a conflict is reported with its files. */
async function mergeDependencies(wp: WorkPackage, path: string, starts: { wpId: string; branch: string }[]) {
  const identity = await identityArgs(path);
  for (let i = 1; i < starts.length; i += 1) {
    const dep = starts[i];
    if (dep === undefined) continue;
    const result = await tryGit([...identity, 'merge', '--no-edit', dep.branch], path);
    if (result.exitCode === 0) continue;
    const conflicted = (await git(['diff', '--name-only', '--diff-filter=U'], path))
      .split('\n')
      .filter(Boolean);
    await tryGit(['merge', '--abort'], path);
    const merged = starts.slice(0, i).map((s) => s.wpId);
    if (conflicted.length === 0) {
      const cause = new GitError(
        ['merge', '--no-edit', dep.branch],
        path,
        result.exitCode,
        result.stderr,
        '',
      );
      throw new KittyError('host', `${wp.id}: merging dependency ${dep.wpId} failed: ${cause.message}`, {
        cause,
      });
    }
    throw new KittyError(
      'host',
      `${wp.id}: dependencies ${merged.join(', ')} and ${dep.wpId} conflict in ${listFiles(conflicted)}`,
    );
  }
}

/** Undo a half-made worktree: it holds nothing but our own merge attempt. */
async function discardWorktree(root: string, path: string, branch: string): Promise<void> {
  await tryGit(['worktree', 'remove', '--force', path], root);
  await tryGit(['branch', '-D', branch], root);
  await tryGit(['worktree', 'prune'], root);
}

function listFiles(files: string[]): string {
  const shown = files.slice(0, 10).join(', ');
  return files.length > 10 ? `${shown} and ${files.length - 10} more` : shown;
}

async function realpathOrSelf(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
