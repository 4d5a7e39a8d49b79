import path from 'node:path';
import { hostname } from 'node:os';
import { abortStoredRun } from '../engine/abort.js';
import { isProcessAlive } from '../executor/process-tree.js';
import { readFeature } from '../feature/index.js';
import { createStandaloneHost } from '../host/standalone.js';
import { createFileStore } from '../state/file-store.js';
import { readOwner } from '../state/lock-owner.js';
import { requestAbort } from './abort-marker.js';
import { resolveTarget } from './feature-ref.js';
import type { CliIO } from './io.js';

/** How long `abort` waits for a running orchestrator to stop its agents and save its state. */
const STOP_WAIT_MS = 60_000;

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isProcessAlive(pid);
}

/** Stop a feature's run: signal its live orchestrator, or mark a paused/dead run aborted. */
export async function stopRun(
  io: CliIO,
  options: { repo: string; feature: string; cleanupWorktrees: boolean },
): Promise<void> {
  const { repoDir, slug } = await resolveTarget(io, options.repo, options.feature);
  const owner = await readOwner(path.join(repoDir, '.kittify', 'orchestration', slug));
  if (owner && owner.hostname === hostname() && owner.pid !== process.pid && isProcessAlive(owner.pid)) {
    await requestAbort(repoDir, slug);
    process.kill(owner.pid, 'SIGTERM');
    io.stdout(`Asked the orchestrator (pid ${owner.pid}) to stop its agents and save state…\n`);
    if (!(await waitForExit(owner.pid, STOP_WAIT_MS))) {
      io.stdout(
        `It is still running after ${STOP_WAIT_MS / 1000} s; it will stop once its agents have exited.\n`,
      );
    }
  } else {
    const run = await abortStoredRun(createFileStore({ repoDir, feature: slug }));
    io.stdout(run ? `Run of ${slug} is ${run.status}.\n` : `No run of ${slug} was recorded.\n`);
  }
  if (options.cleanupWorktrees) await cleanup(io, repoDir, options.feature);
}

async function cleanup(io: CliIO, repoDir: string, featureRef: string): Promise<void> {
  const { feature } = await readFeature(featureRef, repoDir);
  const { removed, kept } = await createStandaloneHost({ repoDir }).cleanup(feature);
  for (const p of removed) io.stdout(`removed ${p}\n`);
  for (const k of kept) io.stdout(`kept ${k.path}: ${k.reason}\n`);
}
