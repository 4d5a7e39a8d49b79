import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git.js';
import { remembered } from './memo.js';

/** Where one checkout keeps its git data. */
export interface GitDirs {
  /** The checkout's private git dir (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** The repository's shared git dir (refs, packed-refs, objects, config). */
  commonDir: string;
}

/**
 * The git dirs of the checkout whose top level is `top`, read from its `.git` (a directory, or a linked
 * worktree's `gitdir:` file and the `commondir` file it points to): asked on every lock check and query, so
 * from the file system rather than from a `git rev-parse` process. Anything unusual asks git.
 */
export async function gitDirs(top: string): Promise<GitDirs> {
  return (await readGitDirs(top)) ?? askGit(top);
}

/** What git said for directories without a `.git` of their own (a subdirectory): asked once each. */
const asked = new Map<string, Promise<GitDirs>>();

async function readGitDirs(top: string): Promise<GitDirs | null> {
  const dotGit = path.resolve(top, '.git');
  const info = await lstat(dotGit).catch(() => null);
  if (info?.isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
  if (!info?.isFile()) return null;
  const pointer = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''))?.[1]?.trim();
  if (pointer === undefined) return null;
  const gitDir = path.resolve(top, pointer);
  const common = await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => null);
  return { gitDir, commonDir: common === null ? gitDir : path.resolve(gitDir, common.trim()) };
}

function askGit(cwd: string): Promise<GitDirs> {
  return remembered(asked, cwd, () => revParseGitDirs(cwd));
}

async function revParseGitDirs(cwd: string): Promise<GitDirs> {
  const [gitDir = '', common = ''] = (await git(['rev-parse', '--absolute-git-dir', '--git-common-dir'], cwd))
    .trim()
    .split('\n');
  return { gitDir, commonDir: path.resolve(cwd, common) };
}
