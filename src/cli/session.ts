import path from 'node:path';
import type { HostKind } from '../host/kinds.js';
import type { ConfigOverrides } from '../config/merge.js';
import { ABORT_REASON } from '../engine/run.js';
import type { Logger } from '../engine/types.js';
import { killAllChildren } from '../executor/process-tree.js';
import { resolveFeatureDir } from '../feature/resolve.js';
import { createTerminalView, type TerminalView } from '../report/terminal-view.js';
import { featureLogDir } from '../paths.js';
import { runFeature } from '../run-feature.js';
import type { RunStatus } from '../state/types.js';
import { abortRequested, clearAbortRequest } from './abort-marker.js';
import type { CliIO } from './io.js';
import { repoRefFor, repoRoot } from './repo-root.js';

export interface SessionOptions {
  repo: string;
  feature: string;
  overrides: ConfigOverrides;
  resume: boolean;
  host?: HostKind;
  json: boolean;
}

/** Exit codes of a run: scripts can tell "all done" from "needs a human" from "stopped". */
export const RUN_EXIT_CODES: Record<RunStatus, number> = {
  completed: 0,
  running: 1,
  failed: 1,
  aborted: 1,
  paused: 3,
};
const INTERRUPTED_EXIT_CODE = 130;
/** Wrappers (npm, tsx) pass a terminal's Ctrl+C on once more: a second SIGINT this soon is the same press. */
const SAME_PRESS_MS = 1000;

/** Messages go above the live table when there is one (writing around it would break its redraw). */
function cliLogger(io: CliIO, view: () => TerminalView | null): Logger {
  const say = (text: string) => {
    const live = view();
    if (live) live.log(text);
    else io.stderr(`${text}\n`);
  };
  return {
    info: say,
    warn: (m) => say(`warning: ${m}`),
    debug: (m) => (io.env.KITTY_DEBUG ? say(`debug: ${m}`) : undefined),
  };
}

/**
 * Stop on the first Ctrl+C (agents asked to stop, state saved, resume hint); force on the second. SIGTERM stops
 * the same way; it ends the run for good when `abort` asked for it, else it pauses for a resume.
 */
function trapSignals(
  say: (text: string) => void,
  repoDir: string,
  feature: () => string | null,
  controller: AbortController,
): () => void {
  let firstPress = 0;
  const onInterrupt = () => {
    if (controller.signal.aborted && Date.now() - firstPress < SAME_PRESS_MS) return;
    if (controller.signal.aborted) {
      say('Forced stop: agents killed; the last state saved stays. Resume later.');
      killAllChildren();
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    firstPress = Date.now();
    say('Stopping: asking agents to stop and saving state (Ctrl+C again to force)…');
    controller.abort('interrupted');
  };
  const onTerminate = () => {
    const slug = feature();
    void (slug ? abortRequested(repoDir, slug) : Promise.resolve(false)).then((abort) => {
      if (!controller.signal.aborted) controller.abort(abort ? ABORT_REASON : 'terminated');
    });
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  };
}

/**
 * An `abort` meant for an earlier run must not turn this run's plain SIGTERM (a CI cancel) into an abort: a
 * run starts with no request pending. A feature that cannot be resolved is left to runFeature to report.
 */
async function clearStaleAbort(repoDir: string, featureRef: string): Promise<void> {
  const dir = await resolveFeatureDir(featureRef, repoDir).catch(() => null);
  if (dir !== null) await clearAbortRequest(repoDir, path.basename(dir));
}

/** Run or resume a feature with the terminal view the output calls for; returns the exit code. */
export async function runInTerminal(io: CliIO, options: SessionOptions): Promise<number> {
  const repoDir = await repoRoot(io, options.repo, { requireGit: true });
  const controller = new AbortController();
  let slug: string | null = null;
  let view: TerminalView | null = null;
  const logger = cliLogger(io, () => view);
  const untrap = trapSignals(
    (text) => logger.info(text),
    repoDir,
    () => slug,
    controller,
  );
  try {
    await clearStaleAbort(repoDir, options.feature);
    const outcome = await runFeature({
      repoDir,
      feature: options.feature,
      overrides: options.overrides,
      resume: options.resume,
      ...(options.host ? { host: options.host } : {}),
      signal: controller.signal,
      logger,
      env: io.env,
      onEvent: (event, run) => {
        slug ??= run.feature;
        view ??= createTerminalView({
          mode: options.json ? 'json' : io.isTTY ? 'live' : 'plain',
          write: io.stdout,
          width: () => process.stdout.columns || 100,
          height: () => process.stdout.rows || 24,
          featureRef: options.feature,
          repoRef: repoRefFor(io, repoDir, options.repo),
          color: io.isTTY && !io.env.NO_COLOR,
          logDir: featureLogDir(repoDir, run.feature),
        });
        view.onEvent(event, run);
      },
      onAgentLine: (wp, line) => view?.onAgentLine(wp, line),
    });
    view ??= createTerminalView({
      mode: options.json ? 'json' : 'plain',
      write: io.stdout,
      color: false,
      logDir: featureLogDir(repoDir, outcome.run.feature),
    });
    view.close(outcome.run);
    const interrupted = controller.signal.aborted && outcome.run.status === 'paused';
    return interrupted ? INTERRUPTED_EXIT_CODE : RUN_EXIT_CODES[outcome.run.status];
  } finally {
    untrap();
  }
}
