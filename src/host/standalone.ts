import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import PQueue from 'p-queue';
import { writeFileNoFollow } from '../safe-write.js';
import writeFileAtomic from 'write-file-atomic';
import type { Logger } from '../engine/types.js';
import { errorMessage, KittyError } from '../errors.js';
import { tickSubtasks } from '../feature/tasks-md.js';
import type { Feature } from '../feature/types.js';
import { updateRefs } from '../git/batch.js';
import { git, GitError, gitLine, tryGit } from '../git/git.js';
import { branchStatus, branchTip, commitsBetween, currentBranch, identityArgs } from '../git/repo.js';
import { removeRepoLocks, removeWorktreeLocks } from '../git/stale-locks.js';
import { cleanupFeature } from './standalone-cleanup.js';
import { BASE_REF_PREFIX, prepareWorkspace, type RepoContext } from './standalone-workspace.js';
import type { Host, Workspace } from './types.js';

export interface StandaloneHostOptions {
  /** The repository (any directory inside it; its top level is used). */
  repoDir: string;
  /** Branch WPs without dependencies start from, and cleanup merges into. Default: the branch checked out now. */
  baseBranch?: string;
  logger?: Logger;
  /** The diff handed to reviewers is cut after this many characters (default 300 000, about 75k tokens). */
  maxDiffChars?: number;
}

const DEFAULT_MAX_DIFF_CHARS = 300_000;
const silentLogger: Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/**
 * A host that manages its own git worktrees, one per WP (`<repo>/.worktrees/<feature>-WPnn`), and keeps lanes
 * only in our state. Worktree creation, cleanup and tasks.md edits run one at a time (they touch shared repo
 * files); the per-worktree calls (commits, diffs) run in parallel.
 */
export function createStandaloneHost(options: StandaloneHostOptions): Host {
  // Resolved on first use, not here: a constructor that starts work nobody awaits races whoever comes next
  // (a test removing the repo, a caller that never uses the host). A failure is kept and seen by every call.
  let resolved: Promise<RepoContext> | null = null;
  const context = (): Promise<RepoContext> => (resolved ??= resolveContext(options));
  const serial = new PQueue({ concurrency: 1 });
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => serial.add(task, { throwOnTimeout: true });
  const maxDiffChars = options.maxDiffChars ?? DEFAULT_MAX_DIFF_CHARS;
  let pruned = false;

  return {
    prepareWorkspace: async (feature, wpId) => {
      const ctx = await context();
      return exclusive(async () => {
        // Forget worktrees whose directories were deleted by hand: once per host, not once per WP.
        if (!pruned) {
          await git(['worktree', 'prune'], ctx.root);
          pruned = true;
        }
        logRemoved(ctx.logger, 'repository', await removeRepoLocks(ctx.root));
        const workspace = await prepareWorkspace(ctx, feature, wpId);
        await clearStaleLocks(ctx.logger, workspace);
        return workspace;
      });
    },
    newCommits: (workspace) => newCommits(workspace),
    clearStaleLocks: async (workspace) => clearStaleLocks((await context()).logger, workspace),
    commitLeftovers: async (workspace, message) => {
      // The agent was killed, maybe inside `git add`: its index.lock must not fail our commit.
      await clearStaleLocks((await context()).logger, workspace);
      return commitLeftovers(workspace, message);
    },
    resetWorkspace: async (workspace, commit) => {
      await clearStaleLocks((await context()).logger, workspace);
      await commitLeftovers(
        workspace,
        `${workspace.wpId}: keep the uncommitted changes of a cut-off attempt`,
      );
      return resetWorkspace(workspace, commit);
    },
    diff: (workspace) => diffWorkspace(workspace, maxDiffChars),
    // Lanes of the standalone host live in our own state only.
    setLane: () => Promise.resolve(),
    markSubtasksDone: async (feature, wpId) => {
      const ctx = await context();
      await exclusive(() => markSubtasksDone(ctx, feature, wpId));
    },
    cleanup: async (feature) => {
      const ctx = await context();
      return exclusive(() => cleanupFeature(ctx, feature));
    },
  };
}

/** Finds the top level and the base branch, and makes sure `.worktrees/` is ignored. Runs once, at creation. */
async function resolveContext(options: StandaloneHostOptions): Promise<RepoContext> {
  const logger = options.logger ?? silentLogger;
  const inside = await tryGit(['rev-parse', '--show-toplevel'], options.repoDir).catch((error: unknown) => {
    throw new KittyError('host', `cannot run git in ${options.repoDir}: ${errorMessage(error)}`, {
      cause: error,
    });
  });
  if (inside.exitCode !== 0) throw new KittyError('host', `${options.repoDir} is not inside a git work tree`);
  const root = inside.stdout.trim();
  const baseBranch = options.baseBranch ?? (await currentBranch(root));
  if (baseBranch === null) {
    throw new KittyError('host', `HEAD is detached in ${root}: check out the base branch or set baseBranch`);
  }
  await excludeWorktreesDir(root, logger);
  return { root, baseBranch, logger };
}

/**
 * Worktrees live inside the repository, so the main checkout would list them as untracked. We add them to
 * `.git/info/exclude` (local, never committed) unless something already ignores them: the user's .gitignore is
 * theirs to edit, not ours.
 */
async function excludeWorktreesDir(root: string, logger: Logger): Promise<void> {
  if ((await tryGit(['check-ignore', '--quiet', '.worktrees/'], root)).exitCode === 0) return;
  const gitPath = await gitLine(['rev-parse', '--git-path', 'info/exclude'], root);
  const file = isAbsolute(gitPath) ? gitPath : join(root, gitPath);
  const current = await readFile(file, 'utf8').catch(() => '');
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${current}${separator}# kitty-orchestrator worktrees\n/.worktrees/\n`);
  logger.debug(`added /.worktrees/ to ${file}`);
}

const branchRef = (workspace: Workspace): string => `refs/heads/${workspace.branch}`;

/**
 * The engine asks for a WP's new commits several times per attempt; the answer changes only when the branch
 * moves. The tip comes from the batch process (no spawn); `rev-list` runs only for a tip not seen before.
 */
const commitsByRange = new Map<string, string[]>();
const MAX_CACHED_RANGES = 4096;

async function newCommits(workspace: Workspace): Promise<string[]> {
  const tip = await branchTip(workspace.branch, workspace.path);
  if (tip === workspace.baseCommit) return [];
  const key = `${workspace.baseCommit}..${tip}`;
  const cached = commitsByRange.get(key);
  if (cached !== undefined) return [...cached];
  const commits = await commitsBetween(workspace.baseCommit, tip, workspace.path);
  if (commitsByRange.size >= MAX_CACHED_RANGES) commitsByRange.clear();
  commitsByRange.set(key, commits);
  return [...commits];
}

/** The WP worktree's stale locks, its branch's and its base ref's, removed with a log line each. */
async function clearStaleLocks(logger: Logger, workspace: Workspace): Promise<string[]> {
  const refs = [branchRef(workspace), BASE_REF_PREFIX + workspace.branch];
  const removed = await removeWorktreeLocks(workspace.path, refs);
  logRemoved(logger, workspace.wpId, removed);
  return removed;
}

function logRemoved(logger: Logger, who: string, removed: readonly string[]): void {
  for (const file of removed) {
    logger.info(`${who}: removed stale git lock ${file} (the process that took it is gone)`);
  }
}

/** Commits what the agent left uncommitted (untracked files included, ignored files not). */
async function commitLeftovers(workspace: Workspace, message: string): Promise<string | null> {
  const { path, wpId } = workspace;
  const { branch: head, dirty } = await branchStatus(path);
  if (head !== workspace.branch) {
    // Committing there would put the WP's work on a branch nobody merges.
    const actual = head === null ? 'a detached HEAD' : `branch ${head}`;
    throw new KittyError('host', `${wpId}: worktree ${path} is on ${actual}, not ${workspace.branch}`);
  }
  if (!dirty) return null;
  try {
    await git(['add', '--all'], path);
    if ((await tryGit(['diff', '--cached', '--quiet'], path)).exitCode === 0) return null;
    await git([...(await identityArgs(path)), 'commit', '--quiet', '-m', message], path);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new KittyError('host', `${wpId}: committing leftovers in ${path} failed: ${error.message}`, {
      cause: error,
    });
  }
  return branchTip(workspace.branch, path);
}

/** Where the tips of branches moved back by resetWorkspace are kept. */
export const CUT_OFF_REF_PREFIX = 'refs/kitty-orchestrator/cut-off/';

async function resetWorkspace(workspace: Workspace, commit: string): Promise<string | null> {
  // The branch is checked out there: commitLeftovers, called first, made sure of it.
  const tip = await branchTip(workspace.branch, workspace.path);
  let kept: string | null = null;
  if (tip !== commit) {
    kept = `${CUT_OFF_REF_PREFIX}${workspace.branch}/${tip.slice(0, 12)}`;
    await updateRefs([`update ${kept} ${tip}`], workspace.path);
  }
  await git(['reset', '--quiet', '--hard', commit], workspace.path);
  // Untracked files are in the kept tip (committed above); ignored ones (caches, node_modules) stay.
  await git(['clean', '--quiet', '-fd'], workspace.path);
  return kept;
}

/** `--stat` then the patch, cut at `maxChars` with a note saying how to see the rest. */
async function diffWorkspace(workspace: Workspace, maxChars: number): Promise<string> {
  // Plain text whatever the user's config says: no colour codes, no external diff tool.
  const range = [workspace.baseCommit, branchRef(workspace)];
  const flags = ['--no-color', '--no-ext-diff'];
  const rerun = `git diff ${workspace.baseCommit.slice(0, 12)} ${workspace.branch}`;
  let output: string;
  try {
    output = await git(['diff', ...flags, '--patch-with-stat', ...range], workspace.path);
  } catch (error) {
    if (!(error instanceof GitError) || error.exitCode !== null) throw error;
    const stat = await git(['diff', ...flags, '--stat', ...range], workspace.path);
    return `${stat}\n[kitty-orchestrator: the patch is too large to include; run \`${rerun}\` to read it]\n`;
  }
  // The stat ends at the first blank line (it has none inside); the patch follows it.
  const end = output.indexOf('\n\n');
  const stat = end === -1 ? output : output.slice(0, end + 1);
  const patch = end === -1 ? '' : output.slice(end + 2);
  if (patch.length <= maxChars) return `${stat}\n${patch}`;
  const note = `[kitty-orchestrator: diff truncated to ${maxChars} of ${patch.length} characters; run \`${rerun}\` for the rest]`;
  return `${stat}\n${patch.slice(0, maxChars)}\n${note}\n`;
}

/** Ticks the WP's boxes in the main checkout's tasks.md; writes only on a change, never commits. */
async function markSubtasksDone(ctx: RepoContext, feature: Feature, wpId: string): Promise<void> {
  const file = join(feature.dir, 'tasks.md');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KittyError('feature', `cannot read ${file}: ${errorMessage(error)}`, { cause: error });
    }
    ctx.logger.warn(`${wpId}: no ${file}; no subtasks to tick`);
    return;
  }
  const ticked = tickSubtasks(text, wpId);
  if (ticked !== text) await writeFileNoFollow(file, ticked);
}
