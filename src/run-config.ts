import path from 'node:path';
import { detectAgents } from './agents/detect.js';
import { getInvoker } from './agents/registry.js';
import type { DetectedAgent } from './agents/types.js';
import {
  CONFIG_FILE,
  configFrom,
  readRawConfig,
  validateConfig,
  type Config,
  type ConfigOverrides,
  type RawConfig,
} from './config/index.js';
import { KittyError } from './errors.js';

export interface RunConfigOptions {
  repoDir: string;
  /** Where agent binaries are looked up. */
  env: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides | undefined;
  /** Told about configured agents that are not installed (they are switched off). */
  warn: (message: string) => void;
}

export interface RunConfig {
  config: Config;
  detectedAgents: DetectedAgent[];
}

/** Agents the file or the overrides name: only these may bring in the built-in sim agent. */
function namedAgents(fromFile: RawConfig | null, overrides: ConfigOverrides): string[] {
  const agents = fromFile?.agents;
  const inFile = agents && typeof agents === 'object' && !Array.isArray(agents) ? Object.keys(agents) : [];
  return [...inFile, ...(overrides.agents ?? []), overrides.implAgent ?? '', overrides.reviewAgent ?? ''];
}

/**
 * The config a run (or a dry run) uses on this machine: agents detected with the file's `command` overrides,
 * sim only when named, the file (or the defaults from what was detected) plus the overrides, and configured
 * agents whose CLI is missing switched off. One function so orchestrate, resume, the action and `--dry-run`
 * agree on which agents run.
 */
export async function loadRunConfig(options: RunConfigOptions): Promise<RunConfig> {
  const overrides = options.overrides ?? {};
  const fromFile = await readRawConfig(options.repoDir);
  // The file is validated on its own first: a broken file is reported before any agent is spawned.
  const fileAgents = fromFile === null ? {} : validateConfig(fromFile, {}, CONFIG_FILE).agents;
  const detectedAgents = await detectAgents({
    env: options.env,
    config: { agents: resolveCommands(fileAgents, options.repoDir) },
    includeSim: namedAgents(fromFile, overrides).includes('sim'),
  });
  const loaded = configFrom(fromFile, { detectedAgents, overrides });
  return { config: fitToMachine(loaded, detectedAgents, options.warn), detectedAgents };
}

/**
 * Fit the config to this machine: configured agents whose CLI is not on PATH are switched off (with a warning)
 * rather than tried and failed one WP at a time, and an agent found under an older binary name (`kilocode`,
 * `agent`) is run by that path. With no agent left the run cannot start.
 */
function fitToMachine(
  config: Config,
  detected: readonly DetectedAgent[],
  warn: (message: string) => void,
): Config {
  const found = new Map(detected.map((d) => [d.id, d.path]));
  const agents = { ...config.agents };
  for (const [id, agent] of Object.entries(agents)) {
    if (!agent.enabled) continue;
    const where = found.get(id);
    if (where === undefined) {
      const what =
        agent.command === undefined ? 'its CLI was not found on PATH' : `${agent.command} was not found`;
      warn(`agent ${id} is configured but ${what}; it is skipped (see \`kitty-orchestrator doctor\`)`);
      agents[id] = { ...agent, enabled: false };
    } else if (agent.command === undefined ? isAlternateBinary(id, where) : agent.command !== where) {
      // A configured command runs by the path detection found: agents start in their worktree, where a
      // relative path would point elsewhere.
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

/** A `command` with a directory part is relative to the repository, not to wherever the CLI was started. */
function resolveCommands(agents: Config['agents'], repoDir: string): Config['agents'] {
  return Object.fromEntries(
    Object.entries(agents).map(([id, agent]) => {
      const command = agent.command;
      if (command === undefined || !command.includes('/')) return [id, agent];
      return [id, { ...agent, command: path.resolve(repoDir, command) }];
    }),
  );
}

/** Whether the CLI was found under a name other than the invoker's first (which its argv would use). */
function isAlternateBinary(id: string, where: string): boolean {
  const [preferred] = getInvoker(id).binaries;
  return preferred !== undefined && path.basename(where) !== preferred;
}
