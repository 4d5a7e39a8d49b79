import type { Feature, Lane } from '../feature/types.js';
import type { OrchestrationEvent } from '../state/types.js';

/** A WP's place to work: a git worktree on its own branch. */
export interface Workspace {
  wpId: string;
  path: string;
  branch: string;
  /** The commit the branch started from; commits after it are the WP's work. */
  baseCommit: string;
}

/** A lane a WP holds in the host before the run touches it, and why (shown to the user). */
export interface StartingLane {
  lane: Lane;
  reason: string;
}

/**
 * Where lanes and worktrees live. The standalone host manages its own worktrees with git; the spec-kitty host
 * calls `spec-kitty orchestrator-api` behind the same interface.
 */
export interface Host {
  /** Create (or reuse, on resume) the WP's worktree, based on its dependencies' branches. */
  prepareWorkspace(feature: Feature, wpId: string): Promise<Workspace>;
  /** Commits on the WP branch since its base, newest first (hashes). */
  newCommits(workspace: Workspace): Promise<string[]>;
  /**
   * Remove git lock files a killed process left in the WP's worktree and on its refs (with a log line each),
   * when nothing works there any more; returns the files removed. Run before each attempt.
   */
  clearStaleLocks(workspace: Workspace): Promise<string[]>;
  /** Commit anything the agent left uncommitted; returns the new commit hash, or null when clean. */
  commitLeftovers(workspace: Workspace, message: string): Promise<string | null>;
  /**
   * Move the WP branch back to `commit` (an ancestor of its tip), discarding the worktree's changes. Nothing is
   * lost: uncommitted changes are committed first and the old tip is kept under a ref, which is returned (null
   * when the branch was already there).
   */
  resetWorkspace(workspace: Workspace, commit: string): Promise<string | null>;
  /** The diff of the WP's work against its base, for the reviewer. */
  diff(workspace: Workspace): Promise<string>;
  /** Record a lane change where the host keeps lanes (a no-op for hosts whose lanes live only in our state). */
  setLane(feature: Feature, wpId: string, lane: Lane): Promise<void>;
  /** Tick the WP's subtasks in tasks.md when it is done. */
  markSubtasksDone(feature: Feature, wpId: string): Promise<void>;
  /** Remove worktrees whose branches are fully merged into the base; returns those kept and why. */
  cleanup(feature: Feature): Promise<{ removed: string[]; kept: { path: string; reason: string }[] }>;
  /**
   * WPs the run must not start as planned, by the host's own lanes (done elsewhere, canceled, held by another
   * actor). Absent: the feature's lanes as read from disk decide.
   */
  startingLanes?(feature: Feature): Promise<Map<string, StartingLane>>;
  /** Told of every recorded event, in order; on resume the unfinished run's earlier events come first. */
  observe?(event: OrchestrationEvent): void;
  /** Waits until the host has taken in everything observed (before the run is reported finished). */
  flush?(): Promise<void>;
  /** What to do once every WP is done, when the host knows better than "merge the branches". */
  nextStep?(feature: Feature): string;
}
