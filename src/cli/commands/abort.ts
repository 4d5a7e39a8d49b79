import { Command } from 'commander';
import { featureOptions } from '../options.js';
import type { CommandFactory } from './types.js';

export const abortCommand: CommandFactory = (io) =>
  featureOptions(new Command('abort'))
    .description('stop a feature’s run: agents are stopped, state is saved, the run is marked aborted')
    .option(
      '--cleanup-worktrees',
      'also remove the feature’s worktrees whose branches are merged (unmerged work is kept)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kitty-orchestrator abort --feature 001-checkout-flow
  $ kitty-orchestrator abort -f 001 --cleanup-worktrees`,
    )
    .action(async (flags: { repo: string; feature: string; cleanupWorktrees?: boolean }) =>
      (await import('../stop-run.js')).stopRun(io, {
        repo: flags.repo,
        feature: flags.feature,
        cleanupWorktrees: Boolean(flags.cleanupWorktrees),
      }),
    );
