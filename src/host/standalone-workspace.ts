import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../engine/types.js';
import { KittyError } from '../errors.js';
import type { Feature, WorkPackage } from '../feature/types.js';
import { git, GitError, tryGit } from '../git/git.js';
import { tryUpdateRefs, updateRefs } from '../git/batch.js';
import { branchTip, branchTips, identityArgs, isAncestor, resolveCommit } from '../git/repo.js';
import { listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import { assertNoSymlink } from '../safe-write.js';
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

/**
 * Create the WP's worktree, or reuse the one a previous run left (never reset: it may hold the agent's work).
 * The caller runs `git worktree prune` once before the first call, so registrations of directories deleted by
 * hand are gone; `addWorktree` copes with a directory deleted after that.
 */
export async function prepareWorkspace(ctx: RepoContext, feature: Feature, wpId: string): Promise<Workspace> {
  const wp = findWorkPackage(feature, wpId);
  const branch = wpBranch(feature, wpId);
  const path = join(worktreesDir(ctx.root), branch);
  // No directory, no live worktree there: the worktree list is only needed when something is in the way.
  if (await exists(path)) return reuseWorktree(ctx, feature, wp, path);
  const starts = startBranches(ctx, feature, wp);
  const tips = await branchTips([branch, ...starts.map((start) => start.branch)], ctx.root);
  if (tips.has(branch)) {
    // The worktree was removed but the branch (and maybe the agent's commits) is still there: check it out again.
    await addWorktree(ctx.root, path, [path, branch]);
    ctx.logger.info(`${wpId}: recreated worktree ${path} on existing branch ${branch}`);
    return { wpId, path, branch, baseCommit: await recordedBase(ctx, feature, wp, branch) };
  }
  return createWorktree(ctx, wp, path, branch, resolveStarts(ctx, wp, starts, tips));
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
  path: string,
): Promise<Workspace> {
  const entry = await findWorktree(ctx.root, path);
  // A prunable entry (its `.git` file is gone) is what the per-WP prune used to drop: not a worktree.
  if (entry === undefined || entry.prunable) {
    throw new KittyError(
      'host',
      `${wp.id}: ${path} exists but is not a git worktree; move it away and retry`,
    );
  }
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
  const tip = await branchTip(branch, ctx.root);
  if (recorded !== null && (recorded === tip || (await isAncestor(recorded, tip, ctx.root)))) return recorded;
  const firstDependency = wp.dependencies[0];
  const start = firstDependency === undefined ? ctx.baseBranch : wpBranch(feature, firstDependency);
  const fork = await tryGit(['merge-base', `refs/heads/${branch}`, start], ctx.root);
  const base = fork.exitCode === 0 ? fork.stdout.trim() : tip;
  ctx.logger.warn(`${wp.id}: no recorded base for ${branch}; counting its work from ${base.slice(0, 12)}`);
  await updateRefs([`update ${BASE_REF_PREFIX + branch} ${base}`], ctx.root);
  return base;
}

/**
 * `git worktree add`, tried once more after a prune if it failed without creating `path`: a worktree directory
 * deleted during the run leaves a registration that blocks its path and its branch. `undo` removes what the
 * failed attempt may have left (`-b` creates the branch before it checks the path).
 */
async function addWorktree(
  root: string,
  path: string,
  args: string[],
  undo: () => Promise<unknown> = () => Promise.resolve(),
): Promise<void> {
  // A `.worktrees` planted as a link would put the agent's checkout (and its writes) outside the repository.
  await assertNoSymlink(path);
  const command = ['worktree', 'add', ...args];
  const first = await tryGit(command, root);
  if (first.exitCode === 0) return;
  if (await exists(path)) throw new GitError(command, root, first.exitCode, first.stderr, first.stdout);
  await git(['worktree', 'prune'], root);
  await undo();
  await git(command, root);
}

/** A branch a new WP branch starts from or merges: a dependency's (`wpId` set) or the base branch. */
interface Start {
  wpId: string | null;
  branch: string;
}

type StartCommit = Start & { commit: string };

/** The dependencies' branches, or the base branch when there are none. */
function startBranches(ctx: RepoContext, feature: Feature, wp: WorkPackage): Start[] {
  if (wp.dependencies.length === 0) return [{ wpId: null, branch: ctx.baseBranch }];
  return wp.dependencies.map((dep) => ({ wpId: dep, branch: wpBranch(feature, dep) }));
}

/** The start branches' commits; all must exist. */
function resolveStarts(
  ctx: RepoContext,
  wp: WorkPackage,
  starts: Start[],
  tips: Map<string, string>,
): StartCommit[] {
  return starts.map((start) => {
    const commit = tips.get(start.branch);
    if (commit !== undefined) return { ...start, commit };
    if (start.wpId === null) {
      throw new KittyError('host', `${wp.id}: base branch ${ctx.baseBranch} does not exist in ${ctx.root}`);
    }
    throw new KittyError(
      'host',
      `${wp.id}: branch ${start.branch} of dependency ${start.wpId} does not exist; implement ${start.wpId} first`,
    );
  });
}

async function createWorktree(
  ctx: RepoContext,
  wp: WorkPackage,
  path: string,
  branch: string,
  starts: StartCommit[],
): Promise<Workspace> {
  const [first, ...others] = starts;
  if (first === undefined) throw new Error(`${wp.id}: no branch to start from`); // startBranches gives one
  // From the commit we looked up, not the name: with no merges to make, that commit is the base. A failed
  // attempt's branch is deleted only if it still points there (compare-and-delete).
  await addWorktree(ctx.root, path, ['--no-track', '-b', branch, path, first.commit], () =>
    tryUpdateRefs([`delete refs/heads/${branch} ${first.commit}`], ctx.root),
  );
  let baseCommit = first.commit;
  if (others.length > 0) {
    try {
      await mergeDependencies(wp, path, starts);
    } catch (error) {
      await discardWorktree(ctx.root, path, branch);
      throw error;
    }
    baseCommit = await branchTip(branch, path);
  }
  await updateRefs([`update ${BASE_REF_PREFIX + branch} ${baseCommit}`], ctx.root);
  const from = starts.map((s) => s.branch).join(' + ');
  ctx.logger.debug(
    `${wp.id}: created worktree ${path} on ${branch} from ${from}${others.length ? ' (merged)' : ''}`,
  );
  return { wpId: wp.id, path, branch, baseCommit };
}

/** Merges the second and later dependencies into the new branch; a conflict is reported with its files. */
async function mergeDependencies(wp: WorkPackage, path: string, starts: Start[]) {
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
