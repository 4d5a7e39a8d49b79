export { git, gitLine, tryGit, GitError, type GitOptions, type GitResult } from './git.js';
export * from './repo.js';
export { listWorktrees, parseWorktreeList, type WorktreeEntry } from './worktrees.js';
