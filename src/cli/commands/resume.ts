import { Command } from 'commander';
import { featureOptions, hostOption, overrideOptions, overridesFrom } from '../options.js';
import type { HostKind } from '../../host/kinds.js';
import type { CommandFactory } from './types.js';

export const resumeCommand: CommandFactory = (io, setExitCode) =>
  hostOption(overrideOptions(featureOptions(new Command('resume'))))
    .description(
      'continue a feature’s interrupted, paused or aborted run; done work is never redone, failed work is retried',
    )
    .option('--json', 'print one JSON object per event instead of the live view')
    .addHelpText(
      'after',
      `
Examples:
  $ kitty-orchestrator resume --feature 001-checkout-flow
  $ kitty-orchestrator resume -f 001 --agents codex        (after claude-code ran out of quota)
  $ kitty-orchestrator resume -f 001 --max-usd 20          (after the run reached its budget)`,
    )
    .action(
      async (
        flags: Parameters<typeof overridesFrom>[0] & {
          repo: string;
          feature: string;
          json?: boolean;
          host: HostKind;
        },
      ) => {
        setExitCode(
          await (
            await import('../session.js')
          ).runInTerminal(io, {
            repo: flags.repo,
            feature: flags.feature,
            overrides: overridesFrom(flags),
            resume: true,
            json: Boolean(flags.json),
            host: flags.host,
          }),
        );
      },
    );
