import { Command, Option } from 'commander';
import type { DoctorFlags } from '../doctor-report.js';
import { positiveInt } from '../options.js';
import type { CommandFactory } from './types.js';

// The command's surface only: its work (agent detection, invokers, config) loads when it runs, so other
// commands start without it.
export const doctorCommand: CommandFactory = (io, setExitCode) =>
  new Command('doctor')
    .description(
      'list the agent CLIs: installed or not, version, the exact command and environment each role runs; --probe tries them',
    )
    .option('--json', 'print one JSON object')
    .option(
      '--probe',
      'run each installed agent once per role (implementation, review) on a trivial prompt and report whether it is usable',
    )
    .option('-r, --repo <dir>', 'repository whose .kittify/agents.yaml applies', '.')
    .addOption(
      new Option('--probe-timeout <seconds>', 'wall-clock limit of one probe')
        .argParser(positiveInt)
        .hideHelp(),
    )
    .addHelpText(
      'after',
      `
A probe runs the agent exactly as orchestrate would, for each role, in a throwaway git repository, and
reports: usable, auth failed, rate limited, flags rejected (the CLI no longer accepts our argv), offline
(it only waited for its provider), timed out or failed, with what the CLI itself said.
Probing may use a little of your provider quota. Exits 1 when a probed agent is not usable.

Examples:
  $ kitty-orchestrator doctor
  $ kitty-orchestrator doctor --probe --json | jq '.agents[] | {id, probe}'`,
    )
    .action(async (flags: DoctorFlags) =>
      (await import('../doctor-report.js')).runDoctor(io, flags, setExitCode),
    );
