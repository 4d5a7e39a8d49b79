import path from 'node:path';
import { packageVersion } from '../agents/sim.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../engine/types.js';
import type { ProcessRunner } from '../executor/types.js';
import type { Feature } from '../feature/types.js';
import { excludeLocally } from '../git/exclude.js';
import { gitLine } from '../git/git.js';
import { statePaths } from '../state/file-store.js';
import type { HostKind } from './kinds.js';
import { chooseHost } from './select.js';
import { createSpecKittyHost } from './spec-kitty.js';
import { createStandaloneHost } from './standalone.js';
import type { Host } from './types.js';

export interface CreateHostOptions {
  kind: HostKind;
  repoDir: string;
  feature: Feature;
  config: Config;
  runProcess: ProcessRunner;
  logger: Logger;
  redact: (text: string) => string;
  env: NodeJS.ProcessEnv;
}

/** Our state files, as the main checkout of a spec-kitty repository would otherwise list them. */
const STATE_PATTERNS = ['/.kittify/orchestration/', '/.kittify/orchestration-state.json*'];

/** The host `--host` asks for (auto: spec-kitty for a 3.x mission with the CLI installed, else standalone). */
export async function createHost(options: CreateHostOptions): Promise<Host> {
  const choice = await chooseHost(options.kind, options.feature, options.env);
  const { repoDir, logger, config } = options;
  if (choice.kind === 'standalone') {
    if (options.kind === 'auto') logger.debug(`standalone host: ${choice.why}`);
    return createStandaloneHost({ repoDir, baseBranch: config.base_branch ?? undefined, logger });
  }
  const root = await gitLine(['rev-parse', '--show-toplevel'], repoDir);
  await excludeLocally(root, STATE_PATTERNS, 'kitty-orchestrator state');
  logger.info(`spec-kitty host: lanes and lane workspaces through ${choice.bin} orchestrator-api`);
  const host = createSpecKittyHost({
    repoDir: root,
    feature: options.feature,
    bin: choice.bin,
    runProcess: options.runProcess,
    logger,
    redact: options.redact,
    version: packageVersion() ?? '0.0.0',
    defaultAgent: config.defaults.implementation[0] ?? Object.keys(config.agents)[0] ?? 'unknown',
    basesFile: path.join(statePaths(root, options.feature.slug).featureDir, 'spec-kitty-bases.json'),
    env: options.env,
  });
  await host.contract;
  return host;
}
