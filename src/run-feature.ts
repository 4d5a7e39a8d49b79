import path from 'node:path';
import type { ConfigOverrides } from './config/merge.js';
import { orchestrate } from './engine/run.js';
import { isUnfinished } from './engine/start.js';
import type { Logger, RunOutcome } from './engine/types.js';
import { killGroup } from './executor/process-tree.js';
import { createProcessRunner } from './executor/run-process.js';
import type { ProcessRunner } from './executor/types.js';
import { readFeature } from './feature/index.js';
import { createHost } from './host/create.js';
import type { HostKind } from './host/kinds.js';
import { featureLogDir } from './paths.js';
import { createRunRedactor } from './git/credentials.js';
import type { Redact } from './redact.js';
import { loadRunConfig } from './run-config.js';
import { reduce } from './state/reduce.js';
import { createFileStore } from './state/file-store.js';
import type { OrchestrationEvent, OrchestrationRun } from './state/types.js';

/** Grace between SIGTERM and SIGKILL for a stopped agent, unless the caller needs it shorter. */
const DEFAULT_KILL_GRACE_MS = 5000;

export interface RunFeatureOptions {
  repoDir: string;
  /** A feature slug under kitty-specs/, or its directory. */
  feature: string;
  overrides?: ConfigOverrides;
  /** true: continue the last run (error if none); false: start a new one; 'auto': continue when one is unfinished. */
  resume?: boolean | 'auto';
  signal?: AbortSignal;
  logger: Logger;
  /** Called after each recorded event with the run as it now stands: the same object every time, folded in
   * place, so copy it (structuredClone) to keep an earlier state. */
  onEvent?: (event: OrchestrationEvent, run: OrchestrationRun) => void;
  onAgentLine?: (wpId: string, line: string) => void;
  /** Where secrets to redact and agent binaries are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The run's redactor; default: the secrets of `env` and of the repository's git config. */
  redact?: Redact;
  /**
   * Time a stopped agent gets between SIGTERM and SIGKILL (default 5 s). The action shortens it: the runner
   * allows 7.5 s from its cancel to its own SIGTERM, and the state must be saved within them.
   */
  killGraceMs?: number;
  /** Where lanes and worktrees live (default auto: spec-kitty for a 3.x mission with spec-kitty installed). */
  host?: HostKind;
}

export { featureLogDir } from './paths.js';

/** Messages the run logs may quote an agent or a command: they pass the redactor like everything else. */
function redactedLogger(logger: Logger, redact: Redact): Logger {
  return {
    info: (message) => logger.info(redact(message)),
    warn: (message) => logger.warn(redact(message)),
    debug: (message) => logger.debug(redact(message)),
  };
}

/**
 * The whole pipeline behind `orchestrate`, `resume` and the action: read the feature, detect agents, load the
 * config, wire the standalone host, the file store and the process runner, and run the engine.
 */
export async function runFeature(options: RunFeatureOptions): Promise<RunOutcome> {
  const env = options.env ?? process.env;
  const repoDir = path.resolve(options.repoDir);
  const redact = options.redact ?? (await createRunRedactor(repoDir, env));
  const logger = redactedLogger(options.logger, redact);
  const { feature, warnings } = await readFeature(options.feature, repoDir);
  warnings.forEach((w) => logger.warn(w));
  const { config } = await loadRunConfig({
    repoDir,
    env,
    overrides: options.overrides,
    warn: (message) => logger.warn(message),
  });
  const store = createFileStore({ repoDir, feature: feature.slug });
  const resume =
    options.resume === 'auto' ? isUnfinished(reduce(await store.load())) : (options.resume ?? false);
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const runner = createProcessRunner({ baseEnv: env, supervise: true });
  const runProcess: ProcessRunner = (run) => runner({ killGraceMs, ...run });
  const host = await createHost({
    ...{ kind: options.host ?? 'auto', repoDir, feature, config, runProcess, redact, env },
    logger,
  });
  return orchestrate(
    {
      repoDir,
      feature,
      config,
      host,
      runProcess,
      store,
      logger,
      logDir: featureLogDir(repoDir, feature.slug),
      resume,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.onAgentLine ? { onAgentLine: options.onAgentLine } : {}),
    },
    {
      killGroup: (pid) => killGroup(pid, killGraceMs),
      redact,
    },
  );
}
