import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { gitLine, tryGit } from './git.js';

/**
 * Keeps paths of ours out of `git status` through `.git/info/exclude` (local, never committed): the user's
 * .gitignore, and spec-kitty's managed one, are not ours to edit. Patterns something already ignores are left
 * out; returns the ones added.
 */
export async function excludeLocally(
  root: string,
  patterns: readonly string[],
  comment: string,
): Promise<string[]> {
  const missing: string[] = [];
  for (const pattern of patterns) {
    const probe = pattern.replace(/^\//, '');
    if ((await tryGit(['check-ignore', '--quiet', '--no-index', probe], root)).exitCode !== 0)
      missing.push(pattern);
  }
  if (missing.length === 0) return [];
  const gitPath = await gitLine(['rev-parse', '--git-path', 'info/exclude'], root);
  const file = isAbsolute(gitPath) ? gitPath : join(root, gitPath);
  const current = await readFile(file, 'utf8').catch(() => '');
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${current}${separator}# ${comment}\n${missing.join('\n')}\n`);
  return missing;
}
