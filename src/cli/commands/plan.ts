import { Command } from 'commander';
import { featureOptions } from '../options.js';
import type { CommandFactory } from './types.js';

export const planCommand: CommandFactory = (io) =>
  featureOptions(new Command('plan'))
    .description('show a feature’s work packages, lanes, waves and critical path without running anything')
    .option('--json', 'print the plan as one JSON object')
    .addHelpText(
      'after',
      `
The critical path is the longest dependency chain: the least number of steps the run can take.

Examples:
  $ kitty-orchestrator plan --feature 001-checkout-flow
  $ kitty-orchestrator plan --feature kitty-specs/001-checkout-flow --json | jq '.waves'`,
    )
    .action(async (flags: { repo: string; feature: string; json?: boolean }) =>
      (await import('../show-plan.js')).showPlan(io, {
        repo: flags.repo,
        feature: flags.feature,
        json: Boolean(flags.json),
      }),
    );
