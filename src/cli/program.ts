import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { KittyError, errorMessage, exitCodeFor } from '../errors.js';
import { createRedactor } from '../redact.js';
import { commands } from './commands/index.js';
import type { CliIO } from './io.js';

/** The package's version: package.json sits two levels up from both src/cli and build/cli. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('kitty-orchestrator')
    .description(
      'Run a spec-kitty feature through AI coding agents: dependency order, in parallel, reviewed.',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const make of commands) {
    program.addCommand(
      make(io, setExitCode).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }),
    );
  }
  return program;
}

/**
 * Run the CLI with `argv` (without node and script) and return the exit code. The one error boundary of the
 * CLI: every error ends here as a one-line message on stderr and a non-zero exit code.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help text, which exits 0).
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`kitty-orchestrator: ${createRedactor(io.env)(errorMessage(error))}\n`);
    return error instanceof KittyError ? exitCodeFor(error) : 1;
  }
}
