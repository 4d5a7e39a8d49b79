import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileNoFollow } from '../safe-write.js';
import { statePaths } from '../state/index.js';

/**
 * The progress comment's id, kept beside the feature's state so it travels in the Actions cache: a re-run
 * edits the comment it wrote before without searching the thread (where anyone can post a look-alike).
 */
function idFile(repoDir: string, slug: string): string {
  return path.join(statePaths(repoDir, slug).featureDir, 'comment-id');
}

/** The id a restored state remembers, or null. Read when first needed: the cache is restored after set-up. */
export function recallCommentId(repoDir: string, slug: string): number | null {
  try {
    const text = readFileSync(idFile(repoDir, slug), 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

export async function rememberCommentId(repoDir: string, slug: string, id: number): Promise<void> {
  await writeFileNoFollow(idFile(repoDir, slug), `${id}\n`);
}
