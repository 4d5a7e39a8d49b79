import { toJsonOutput } from '../report/json-keys.js';
import { renderSummary } from '../report/render/terminal.js';
import { featureLogDir } from '../paths.js';
import { readStatus } from '../state/read-status.js';
import { resolveTarget } from './feature-ref.js';
import { repoRefFor, repoRoot } from './repo-root.js';
import type { CliIO } from './io.js';
import { statusView } from './run-liveness.js';

/** Print a feature's run (or the most recent run) from its state files; never touches the run itself. */
export async function showStatus(
  io: CliIO,
  options: { repo: string; feature?: string | undefined; json: boolean },
): Promise<void> {
  const target = options.feature
    ? await resolveTarget(io, options.repo, options.feature)
    : { repoDir: await repoRoot(io, options.repo, { requireGit: false }), slug: undefined };
  const run = await readStatus({ repoDir: target.repoDir, ...(target.slug ? { feature: target.slug } : {}) });
  if (!run) {
    if (options.json) io.stdout('null\n');
    else io.stdout(`No orchestration run recorded${target.slug ? ` for ${target.slug}` : ''}.\n`);
    return;
  }
  const view = await statusView(target.repoDir, run, new Date());
  if (options.json) {
    io.stdout(`${toJsonOutput(view)}\n`);
    return;
  }
  io.stdout(
    `${renderSummary(view, {
      logDir: featureLogDir(target.repoDir, run.feature),
      color: io.isTTY && !io.env.NO_COLOR,
      featureRef: options.feature,
      repoRef: repoRefFor(io, target.repoDir, options.repo),
    })}\n`,
  );
}
