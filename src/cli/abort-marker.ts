import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertNoSymlink } from '../safe-write.js';

/**
 * `abort` from another terminal leaves this marker before it signals the running orchestrator, so the runner can
 * tell "end this run for good" from an ordinary SIGTERM (a CI cancel), which only pauses it.
 */
function markerPath(repoDir: string, feature: string): string {
  return path.join(repoDir, '.kittify', 'orchestration', feature, 'abort-requested');
}

export async function requestAbort(repoDir: string, feature: string): Promise<void> {
  await assertNoSymlink(markerPath(repoDir, feature));
  await mkdir(path.dirname(markerPath(repoDir, feature)), { recursive: true });
  await writeFile(markerPath(repoDir, feature), new Date().toISOString());
}

export async function abortRequested(repoDir: string, feature: string): Promise<boolean> {
  return access(markerPath(repoDir, feature)).then(
    () => true,
    () => false,
  );
}

export async function clearAbortRequest(repoDir: string, feature: string): Promise<void> {
  await rm(markerPath(repoDir, feature), { force: true });
}
