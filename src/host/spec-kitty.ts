import type { Logger } from '../engine/types.js';
import type { ProcessRunner } from '../executor/types.js';
import type { Feature } from '../feature/types.js';
import { checkContract, createSpecKittyCli } from './spec-kitty-cli.js';
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
  const cli = createSpecKittyCli({ bin: options.bin, cwd: options.repoDir, runProcess: options.runProcess });
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
      return startingLanes(cli, feature, SPEC_KITTY_ACTOR);
    },
    prepareWorkspace: async (_feature, wpId) => {
      await contract;
      return sync.exclusive((view) => claimWorkspace(claim, view, wpId));
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
    flush: () => sync.flush(),
    nextStep: (feature) =>
      `\`spec-kitty accept --mission ${feature.slug}\`, then \`spec-kitty merge --mission ${feature.slug}\``,
    // spec-kitty's merge folds the lane workspaces back and removes them; they are not ours to delete.
    cleanup: () => Promise.resolve({ removed: [], kept: [] }),
  };
}
