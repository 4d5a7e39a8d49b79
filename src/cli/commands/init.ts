import { Command } from 'commander';
import type { InitFlags } from '../init.js';
import type { CommandFactory } from './types.js';

export const initCommand: CommandFactory = (io) =>
  new Command('init')
    .description('write .kittify/agents.yaml for the agent CLIs installed here (--github: a workflow too)')
    .option('-r, --repo <dir>', 'the repository (any directory inside it)', '.')
    .option('--github', `also write .github/workflows/kitty-orchestrator.yml for these agents`)
    .option('--action <ref>', 'the action in the workflow’s `uses:`, e.g. my-org/kitty-orchestrator@v1')
    .option('--force', 'overwrite files that exist')
    .addHelpText(
      'after',
      `
Two or more agents installed: cross-agent review (each WP is reviewed by another agent). One agent:
single-agent mode. The built-in sim agent is never enabled. Existing files are kept unless --force is
given; a re-run says which agents were added or removed.

Examples:
  $ kitty-orchestrator init
  $ kitty-orchestrator init --github --action my-org/kitty-orchestrator@v1
  $ kitty-orchestrator init --force`,
    )
    .action(async (flags: InitFlags) => (await import('../init.js')).runInit(io, flags));
