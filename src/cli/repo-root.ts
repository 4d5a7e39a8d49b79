import { stat } from 'node:fs/promises';
import path from 'node:path';
import { KittyError } from '../errors.js';
import { tryGit } from '../git/git.js';
import type { CliIO } from './io.js';

/**
 * The repository root for `--repo <dir>` (default: the current directory): the git top level, so a command run
 * from a subdirectory finds the repo's state and config. A missing directory or one outside any git repository
 * is a usage error here, before any work starts (not one failed WP after another).
 */
export async function repoRoot(io: CliIO, repo: string): Promise<string> {
  const dir = path.resolve(io.cwd, repo);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new KittyError('usage', `--repo ${repo}: no such directory (${dir})`);
  const top = await tryGit(['rev-parse', '--show-toplevel'], dir);
  if (top.exitCode !== 0) {
    throw new KittyError(
      'usage',
      `${dir} is not inside a git repository: run \`git init\` there, or pass --repo <the repository>`,
    );
  }
  return top.stdout.trim();
}
