import { Command } from 'commander';
import { nonNegativeInt } from '../options.js';
import type { CommandFactory } from './types.js';

export const demoCommand: CommandFactory = (io, setExitCode) =>
  new Command('demo')
    .description('run the bundled demo feature end to end with the built-in sim agent, in a throwaway repo')
    .option('--dir <path>', 'make the demo repo here instead of a temp dir')
    .option('--duration-ms <ms>', 'time the sim agent spends per invocation', nonNegativeInt, 1500)
    .option('--json', 'print one JSON object per event instead of the live view')
    .addHelpText(
      'after',
      `
No network, no API keys: the sim agent writes a file per subtask and commits, and reviews.

Examples:
  $ kitty-orchestrator demo
  $ kitty-orchestrator demo --dir /tmp/shop --duration-ms 200`,
    )
    .action(async (flags: { dir?: string; durationMs: number; json?: boolean }) => {
      const { createDemoRepo, DEMO_FEATURE } = await import('../demo-repo.js');
      const repo = await createDemoRepo({ dir: flags.dir, durationMs: flags.durationMs });
      io.stderr(`Demo repository: ${repo}\n`);
      setExitCode(
        await (
          await import('../session.js')
        ).runInTerminal(io, {
          repo,
          feature: DEMO_FEATURE,
          overrides: {},
          resume: false,
          json: Boolean(flags.json),
        }),
      );
      io.stderr(`Look around: cd ${repo} && git log --all --oneline --graph\n`);
    });
