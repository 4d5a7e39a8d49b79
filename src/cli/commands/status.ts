import { Command } from 'commander';
import { featureOptions } from '../options.js';
import type { CommandFactory } from './types.js';

export const statusCommand: CommandFactory = (io) =>
  featureOptions(new Command('status'), false)
    .description('show a feature’s run: done, running, pending and failed WPs, agents, elapsed time, cost')
    .option('--json', 'print the run as JSON')
    .addHelpText(
      'after',
      `
Works from another terminal while a run is going, and after it.

Examples:
  $ kitty-orchestrator status                       (the most recent run)
  $ kitty-orchestrator status --feature 001 --json`,
    )
    .action(async (flags: { repo: string; feature?: string; json?: boolean }) =>
      (await import('../show-status.js')).showStatus(io, {
        repo: flags.repo,
        feature: flags.feature,
        json: Boolean(flags.json),
      }),
    );
