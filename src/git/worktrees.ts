import { git } from './git.js';

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, or null for a detached HEAD or a bare repository. */
  branch: string | null;
  locked: boolean;
  prunable: boolean;
}

/** Parses `git worktree list --porcelain` (blank-line separated blocks of `key value` lines). */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line !== '');
    const pathLine = lines.find((line) => line.startsWith('worktree '));
    if (pathLine === undefined) continue;
    const value = (key: string): string | undefined =>
      lines.find((line) => line === key || line.startsWith(`${key} `))?.slice(key.length + 1);
    const branchRef = value('branch');
    entries.push({
      path: pathLine.slice('worktree '.length),
      head: value('HEAD') ?? null,
      branch: branchRef?.startsWith('refs/heads/') ? branchRef.slice('refs/heads/'.length) : null,
      locked: value('locked') !== undefined,
      prunable: value('prunable') !== undefined,
    });
  }
  return entries;
}

/** The repository's worktrees, the main one first. */
export async function listWorktrees(cwd: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git(['worktree', 'list', '--porcelain'], cwd));
}
