import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { KittyError } from '../errors.js';
import type { CliIO } from './io.js';

/**
 * The repository root for `--repo <dir>` (default: the current directory): the git top level, so a command run
 * from a subdirectory finds the repo's state and config. A missing directory is a usage error; so is one outside
 * any git repository when the command needs git (caught here, before any work starts, not as one failed WP
 * after another); commands that only read files then use the directory itself, and find the top level without
 * starting git (a fork is most of what `status` would otherwise spend).
 */
export async function repoRoot(io: CliIO, repo: string, options: { requireGit: boolean }): Promise<string> {
  const dir = path.resolve(io.cwd, repo);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new KittyError('usage', `--repo ${repo}: no such directory (${dir})`);
  if (!options.requireGit) return (await nearestGitTop(dir)) ?? dir;
  const { tryGit } = await import('../git/git.js');
  const top = await tryGit(['rev-parse', '--show-toplevel'], dir);
  if (top.exitCode !== 0) {
    if (!options.requireGit) return dir;
    throw new KittyError(
      'usage',
      `${dir} is not inside a git repository: run \`git init\` there, or pass --repo <the repository>`,
    );
  }
  return top.stdout.trim();
}

/** The nearest directory from `dir` up that holds `.git` (a repository's directory, a worktree's file), as git
 * names it (symbolic links resolved); null when there is none. */
async function nearestGitTop(dir: string): Promise<string | null> {
  for (let at = await realpath(dir); ;) {
    if (
      await stat(path.join(at, '.git')).then(
        () => true,
        () => false,
      )
    )
      return at;
    const up = path.dirname(at);
    if (up === at) return null;
    at = up;
  }
}

/**
 * `--repo` as the user gave it, for the commands a summary suggests, when they must carry it: the current
 * directory is outside the repository. Undefined when the repository is found from here anyway.
 */
export function repoRefFor(io: CliIO, repoDir: string, repo: string): string | undefined {
  const fromRepo = path.relative(repoDir, path.resolve(io.cwd));
  const inside = fromRepo === '' || (!fromRepo.startsWith('..') && !path.isAbsolute(fromRepo));
  return inside ? undefined : repo;
}
