import path from 'node:path';
import { detectAgents } from './agents/detect.js';
import { getInvoker } from './agents/registry.js';
import { loadConfig } from './config/index.js';
import type { Config } from './config/schema.js';
import type { DetectedAgent } from './agents/types.js';
import { KittyError } from './errors.js';
import type { ConfigOverrides } from './config/merge.js';
import { orchestrate } from './engine/run.js';
import { isUnfinished } from './engine/start.js';
import type { Logger, RunOutcome } from './engine/types.js';
import { terminateGroup } from './executor/process-tree.js';
import { createProcessRunner } from './executor/run-process.js';
import { readFeature } from './feature/index.js';
import { createHost } from './host/create.js';
import type { HostKind } from './host/kinds.js';
import { featureLogDir } from './paths.js';
import { createRedactor } from './redact.js';
import { reduce } from './state/reduce.js';
import { createFileStore } from './state/file-store.js';
import type { OrchestrationEvent, OrchestrationRun } from './state/types.js';

/** Grace between SIGTERM and SIGKILL for agents a crashed run left behind. */
const KILL_GRACE_MS = 5000;

export interface RunFeatureOptions {
  repoDir: string;
  /** A feature slug under kitty-specs/, or its directory. */
  feature: string;
  overrides?: ConfigOverrides;
  /** true: continue the last run (error if none); false: start a new one; 'auto': continue when one is unfinished. */
  resume?: boolean | 'auto';
  signal?: AbortSignal;
  logger: Logger;
  onEvent?: (event: OrchestrationEvent, run: OrchestrationRun) => void;
  onAgentLine?: (wpId: string, line: string) => void;
  /** Where secrets to redact and agent binaries are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where lanes and worktrees live (default auto: spec-kitty for a 3.x mission with spec-kitty installed). */
  host?: HostKind;
}

export { featureLogDir } from './paths.js';

/**
 * Fit the config to this machine: configured agents whose CLI is not on PATH are switched off (with a warning)
 * rather than tried and failed one WP at a time, and an agent found under an older binary name (`kilocode`,
 * `agent`) is run by that path. With no agent left the run cannot start.
 */
function fitToMachine(config: Config, detected: readonly DetectedAgent[], logger: Logger): Config {
  const found = new Map(detected.map((d) => [d.id, d.path]));
  const agents = { ...config.agents };
  for (const [id, agent] of Object.entries(agents)) {
    if (!agent.enabled) continue;
    const where = found.get(id);
    if (where === undefined) {
      logger.warn(
        `agent ${id} is configured but its CLI was not found on PATH; it is skipped (see \`kitty-orchestrator doctor\`)`,
      );
      agents[id] = { ...agent, enabled: false };
    } else if (agent.command === undefined && isAlternateBinary(id, where)) {
      agents[id] = { ...agent, command: where };
    }
  }
  if (!Object.values(agents).some((a) => a.enabled)) {
    throw new KittyError(
      'agent',
      `no agents available: none of the configured agents is installed (${Object.keys(agents).join(', ')}); run \`kitty-orchestrator doctor\``,
    );
  }
  return { ...config, agents };
}

/** Whether the CLI was found under a name other than the invoker's first (which its argv would use). */
function isAlternateBinary(id: string, where: string): boolean {
  const [preferred] = getInvoker(id).binaries;
  return preferred !== undefined && path.basename(where) !== preferred;
}

/**
 * The whole pipeline behind `orchestrate`, `resume` and the action: read the feature, detect agents, load the
 * config, wire the standalone host, the file store and the process runner, and run the engine.
 */
export async function runFeature(options: RunFeatureOptions): Promise<RunOutcome> {
  const env = options.env ?? process.env;
  const repoDir = path.resolve(options.repoDir);
  const { feature, warnings } = await readFeature(options.feature, repoDir);
  warnings.forEach((w) => options.logger.warn(w));
  const detectedAgents = await detectAgents({ env });
  const loaded = await loadConfig({
    repoDir,
    detectedAgents,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const config = fitToMachine(loaded, detectedAgents, options.logger);
  const store = createFileStore({ repoDir, feature: feature.slug });
  const resume =
    options.resume === 'auto' ? isUnfinished(reduce(await store.load())) : (options.resume ?? false);
  const runProcess = createProcessRunner({ baseEnv: env });
  const redact = createRedactor(env);
  const host = await createHost({
    ...{ kind: options.host ?? 'auto', repoDir, feature, config, runProcess, redact, env },
    logger: options.logger,
  });
  return orchestrate(
    {
      repoDir,
      feature,
      config,
      host,
      runProcess,
      store,
      logger: options.logger,
      logDir: featureLogDir(repoDir, feature.slug),
      resume,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.onAgentLine ? { onAgentLine: options.onAgentLine } : {}),
    },
    {
      killGroup: (pid) => terminateGroup(pid, KILL_GRACE_MS).then(() => undefined),
      redact,
    },
  );
}
