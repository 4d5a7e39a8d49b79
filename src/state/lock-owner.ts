import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Who holds a feature's run lock, as `owner.json` says. Apart from the lock itself so that readers (`status`)
 * need not load proper-lockfile, whose exit handlers must be installed before the action's signal handlers.
 */

/** Who holds a run lock; written to `owner.json` beside the lock directory. */
export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  feature: string;
}

/** The recorded holder, or null when owner.json is missing or unreadable (then only staleness frees the lock). */
export async function readOwner(dir: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile(dir), 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      startedAt: String(parsed.startedAt ?? 'an unknown time'),
      feature: String(parsed.feature ?? ''),
    };
  } catch {
    return null;
  }
}

/** Where the holder is recorded: beside the lock directory. */
export function ownerFile(dir: string): string {
  return path.join(dir, 'owner.json');
}
