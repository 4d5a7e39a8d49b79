import type { Command } from 'commander';
import type { CliIO } from '../io.js';

/**
 * A command module exports one factory of this shape. Errors are thrown (KittyError), never printed: the one
 * error boundary in program.ts turns them into a message and an exit code. `setExitCode` is for commands that
 * finish normally but must still exit non-zero (a paused run, a failed probe).
 */
export type CommandFactory = (io: CliIO, setExitCode: (code: number) => void) => Command;
