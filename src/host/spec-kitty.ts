import type { Logger } from '../engine/types.js';
import type { ProcessRunner } from '../executor/types.js';
import type { Feature } from '../feature/types.js';
import { checkContract, createSpecKittyCli, HEADLESS_ENV } from './spec-kitty-cli.js';
import { consoleScriptPython, startSpecKittyHelper, type SpecKittyHelper } from './spec-kitty-helper.js';
import { startingLanes } from './spec-kitty-lanes.js';
import { createSpecKittySync } from './spec-kitty-sync.js';
import { claimWorkspace, createBaseBook } from './spec-kitty-workspace.js';
import { createStandaloneHost } from './standalone.js';
import type { Host } from './types.js';

/** The actor spec-kitty records for every move we make; our claims are recognised by it. */
export const SPEC_KITTY_ACTOR = 'kitty-orchestrator';

export interface SpecKittyHostOptions {
  /** The main checkout (top level of the repository). */
  repoDir: string;
  feature: Feature;
  /** The `spec-kitty` executable. */
  bin: string;
  runProcess: ProcessRunner;
  logger: Logger;
  redact: (text: string) => string;
  /** Our version, sent in the policy metadata. */
  version: string;
  /** The agent a claim names before an agent is picked (the first implementation agent). */
  defaultAgent: string;
  /** Where the lane branches' base commits are kept across a crash (a JSON file in our state directory). */
  basesFile: string;
  /** The environment spec-kitty runs in; `KITTY_ORCHESTRATOR_SPEC_KITTY_HELPER=0` turns the helper off. */
  env: NodeJS.ProcessEnv;
}

/** Variable that turns the warm helper off (every call then spawns spec-kitty, ~1.4 s each). */
export const HELPER_SWITCH = 'KITTY_ORCHESTRATOR_SPEC_KITTY_HELPER';

/** The warm helper when `bin` is a Python console script and it is not switched off; else null. */
async function helperFor(options: SpecKittyHostOptions): Promise<SpecKittyHelper | null> {
  if (options.env[HELPER_SWITCH] === '0') return null;
  const python = await consoleScriptPython(options.bin);
  if (python === null) {
    options.logger.debug(`spec-kitty: ${options.bin} is not a Python console script; one process per call`);
    return null;
  }
  const env = { ...options.env, ...HEADLESS_ENV };
  return startSpecKittyHelper({ python, script: options.bin, cwd: options.repoDir, env });
}

/**
 * A host for spec-kitty 3.x projects: spec-kitty owns lanes and lane workspaces, and hears of every step
 * through `spec-kitty orchestrator-api` (see spec-kitty-sync.ts for how, off the critical path). The git work
 * inside a workspace (commits, leftovers, diffs) is the same as the standalone host's.
 */
export function createSpecKittyHost(options: SpecKittyHostOptions): Host & {
  /** The contract version spec-kitty reports (checked at start). */
  contract: Promise<string>;
} {
  // Without a helper every call spawns spec-kitty: slower, never wrong.
  const helper = helperFor(options).catch(() => null);
  const cli = createSpecKittyCli({
    ...{ bin: options.bin, cwd: options.repoDir, runProcess: options.runProcess },
    helper,
  });
  const policy = (agent: string | undefined) =>
    JSON.stringify({
      orchestrator_id: SPEC_KITTY_ACTOR,
      orchestrator_version: options.version,
      agent_family: agent ?? options.defaultAgent,
      approval_mode: 'full_auto',
      sandbox_mode: 'workspace_write',
      network_mode: 'allowed',
      dangerous_flags: [],
    });
  const contract = cli.api(['contract-version']).then(checkContract);
  contract.catch(() => undefined);
  // Read-only, so asked at once beside the contract check: the run starts one call sooner.
  const lanesAhead = startingLanes(cli, options.feature, SPEC_KITTY_ACTOR);
  lanesAhead.catch(() => undefined);
  const sync = createSpecKittySync({
    cli,
    feature: options.feature,
    actor: SPEC_KITTY_ACTOR,
    policy,
    redact: options.redact,
    logger: options.logger,
  });
  const git = createStandaloneHost({ repoDir: options.repoDir, logger: options.logger });
  const bases = createBaseBook(options.basesFile);
  const claim = {
    ...{ cli, repoDir: options.repoDir, featureDir: options.feature.dir },
    mission: options.feature.slug,
    actor: SPEC_KITTY_ACTOR,
    policy: policy(undefined),
    bases,
  };

  return {
    contract,
    startingLanes: async (feature) => {
      await contract;
      return feature.slug === options.feature.slug
        ? lanesAhead
        : startingLanes(cli, feature, SPEC_KITTY_ACTOR);
    },
    prepareWorkspace: async (_feature, wpId) => {
      await contract;
      return sync.claim(wpId, (view) => claimWorkspace(claim, view, wpId));
    },
    newCommits: (workspace) => git.newCommits(workspace),
    commitLeftovers: (workspace, message) => git.commitLeftovers(workspace, message),
    clearStaleLocks: (workspace) => git.clearStaleLocks(workspace),
    resetWorkspace: (workspace, commit) => git.resetWorkspace(workspace, commit),
    diff: (workspace) => git.diff(workspace),
    // Lanes and subtasks reach spec-kitty through the sync, from the events the engine records.
    setLane: () => Promise.resolve(),
    markSubtasksDone: () => Promise.resolve(),
    observe: (event) => sync.observe(event),
    // Nothing is called after the last flush: the helper goes (a later call would start a new one).
    flush: async () => {
      await sync.flush();
      await (await helper)?.close();
    },
    nextStep: (feature) =>
      `\`spec-kitty accept --mission ${feature.slug}\`, then \`spec-kitty merge --mission ${feature.slug}\``,
    // spec-kitty's merge folds the lane workspaces back and removes them; they are not ours to delete.
    cleanup: () => Promise.resolve({ removed: [], kept: [] }),
  };
}
