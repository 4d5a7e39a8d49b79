import { lstat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { KittyError } from './errors.js';

/** The directories we write into; a symbolic link inside them could send a write anywhere on the machine. */
const PROTECTED_DIRS = new Set(['.kittify', 'kitty-specs', '.worktrees']);

/**
 * Throws when writing `file` would follow a symbolic link: any part of its path from the first protected
 * directory (`.kittify`, `kitty-specs`, `.worktrees`) down, the file itself included. A repository (or an
 * agent working in it) could plant such a link to make us overwrite a file outside the repo. Paths that do
 * not exist yet are fine; paths outside the protected directories are not checked.
 */
export async function assertNoSymlink(file: string): Promise<void> {
  const parts = path.resolve(file).split(path.sep);
  const first = parts.findIndex((part) => PROTECTED_DIRS.has(part));
  if (first < 0) return;
  for (let end = first + 1; end <= parts.length; end++) {
    const prefix = parts.slice(0, end).join(path.sep);
    const info = await lstat(prefix).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (info === null) return;
    if (info.isSymbolicLink()) {
      throw new KittyError(
        'state',
        `refusing to write ${file}: ${prefix} is a symbolic link, and writes under ${parts[first]}/ never follow one; replace it with a real ${end === parts.length ? 'file' : 'directory'}`,
      );
    }
  }
}

/** write-file-atomic (which writes through a symbolic link to its target) behind the symlink check. */
export async function writeFileNoFollow(
  file: string,
  data: string,
  options?: writeFileAtomic.Options,
): Promise<void> {
  await assertNoSymlink(file);
  await writeFileAtomic(file, data, options);
}
