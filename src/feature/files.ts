/** Finding WP prompt files: `tasks/WP*.md`, plus pre-0.9 lane folders (`tasks/doing/…`, any depth below). */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dirent } from 'node:fs';
import { KittyError } from '../errors.js';
import { isLaneFolder } from './lanes.js';

export interface WpFileRef {
  /** Absolute path. */
  path: string;
  fileName: string;
  /** The legacy lane folder the file sits under, if any. */
  laneFolder: string | undefined;
}

const WP_FILE = /^WP.*\.md$/i;

async function kindOf(entry: Dirent, path: string): Promise<'file' | 'dir' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'other'; // a dangling link is not a WP
  }
}

async function walk(
  dir: string,
  laneFolder: string | undefined,
  out: WpFileRef[],
  depth: number,
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    const kind = await kindOf(entry, path);
    if (kind === 'file' && WP_FILE.test(entry.name)) out.push({ path, fileName: entry.name, laneFolder });
    // Top level: only lane folders count. Below a lane folder: any subfolder (old phase folders).
    if (kind === 'dir' && depth < 8 && (laneFolder !== undefined || isLaneFolder(entry.name))) {
      await walk(path, laneFolder ?? entry.name, out, depth + 1);
    }
  }
}

/** Every WP prompt file of a feature, sorted by path. Throws KittyError('feature') if there is none. */
export async function listWpFiles(featureDir: string, display: (p: string) => string): Promise<WpFileRef[]> {
  const tasksDir = join(featureDir, 'tasks');
  const out: WpFileRef[] = [];
  try {
    await walk(tasksDir, undefined, out, 0);
  } catch (cause) {
    if (
      (cause as NodeJS.ErrnoException).code !== 'ENOENT' &&
      (cause as NodeJS.ErrnoException).code !== 'ENOTDIR'
    ) {
      throw new KittyError('feature', `${display(tasksDir)}: cannot list work packages`, { cause });
    }
  }
  if (out.length === 0) {
    throw new KittyError('feature', `${display(tasksDir)}: no work package files (tasks/WP*.md)`);
  }
  return out;
}
