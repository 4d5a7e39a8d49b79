import { Command } from 'commander';
import { featureOptions, hostOption, overrideOptions, overridesFrom } from '../options.js';
import type { HostKind } from '../../host/kinds.js';
import type { CommandFactory } from './types.js';

const EXAMPLES = `
Examples:
  $ kitty-orchestrator orchestrate --feature 001-checkout-flow
  $ kitty-orchestrator orchestrate -f 001 --agents claude-code,codex --concurrency 3
  $ kitty-orchestrator orchestrate -f 001 --impl-agent codex --review-agent claude-code --verify-command "npm test"
  $ kitty-orchestrator orchestrate -f 001 --dry-run
  $ kitty-orchestrator orchestrate -f 001 --status     (same as: status -f 001)

Exit codes: 0 all done, 3 paused (needs a human), 130 stopped with Ctrl+C, 2 bad input, 1 other errors.`;

export const orchestrateCommand: CommandFactory = (io, setExitCode) =>
  hostOption(overrideOptions(featureOptions(new Command('orchestrate'))))
    .description('run every work package of a feature through the agents, to done')
    .option('--dry-run', 'show the waves and the agents that would be used, run nothing')
    .option('--json', 'print one JSON object per event instead of the live view')
    .option('--status', 'show the status of the feature’s run instead (as `status`)')
    .option('--resume', 'continue the feature’s unfinished run (as `resume`)')
    .option('--abort', 'stop the feature’s run (as `abort`)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Parameters<typeof overridesFrom>[0] & SeedFlags) => {
      const target = { repo: flags.repo, feature: flags.feature };
      if (flags.status)
        return (await import('../show-status.js')).showStatus(io, { ...target, json: Boolean(flags.json) });
      if (flags.abort)
        return (await import('../stop-run.js')).stopRun(io, { ...target, cleanupWorktrees: false });
      const overrides = overridesFrom(flags);
      if (flags.dryRun)
        return (await import('../dry-run.js')).dryRun(io, {
          ...target,
          overrides,
          json: Boolean(flags.json),
        });
      setExitCode(
        await (
          await import('../session.js')
        ).runInTerminal(io, {
          ...target,
          overrides,
          resume: Boolean(flags.resume),
          json: Boolean(flags.json),
          host: flags.host,
        }),
      );
    });

interface SeedFlags {
  repo: string;
  feature: string;
  dryRun?: boolean;
  json?: boolean;
  status?: boolean;
  resume?: boolean;
  abort?: boolean;
  host: HostKind;
}
