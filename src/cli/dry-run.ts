import type { ConfigOverrides } from '../config/index.js';
import type { Config, Role } from '../config/schema.js';
import { readFeature } from '../feature/index.js';
import { loadRunConfig } from '../run-config.js';
import { candidatesFor } from '../scheduler/index.js';
import type { CliIO } from './io.js';
import { repoRoot } from './repo-root.js';
import { planView } from '../plan.js';
import { renderPlan } from './show-plan.js';
import { toJsonOutput } from '../report/json-keys.js';

/** Agents in the order the run would try them for a role, by config alone. */
function agentOrder(config: Config, role: Role): string[] {
  return candidatesFor(role, config, new Map());
}

/** `orchestrate --dry-run`: the plan plus the agents each role would use, with nothing run. */
export async function dryRun(
  io: CliIO,
  options: { repo: string; feature: string; overrides: ConfigOverrides; json: boolean },
): Promise<void> {
  const repoDir = await repoRoot(io, options.repo, { requireGit: false });
  const { feature, warnings } = await readFeature(options.feature, repoDir);
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
  const { config } = await loadRunConfig({
    repoDir,
    env: io.env,
    overrides: options.overrides,
    warn: (message) => io.stderr(`warning: ${message}\n`),
  });
  const agents = {
    implementation: agentOrder(config, 'implementation'),
    review: agentOrder(config, 'review'),
  };
  const view = planView(feature);
  if (options.json) {
    io.stdout(`${toJsonOutput({ ...view, agents, concurrency: config.global.concurrency })}\n`);
    return;
  }
  io.stdout(renderPlan(view, io.isTTY && !io.env.NO_COLOR));
  io.stdout(`\nImplementation agents, in order: ${agents.implementation.join(', ') || '(none)'}\n`);
  io.stdout(`Review agents, in order: ${agents.review.join(', ') || '(none)'}\n`);
  const single = config.single_agent_mode;
  if (single.enabled)
    io.stdout(`Single-agent mode: reviews wait ${single.delay_seconds} s after implementing.\n`);
  io.stdout(`Up to ${config.global.concurrency} work packages at once. Dry run: nothing was started.\n`);
}
