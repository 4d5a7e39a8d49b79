// Usage: node --import tsx record-exit.ts <status-file> <command> [args...]
// Runs the command in this terminal and writes its exit code (128 + signal number when a signal ended it) to
// <status-file>. tmux's own #{pane_dead_status} can stay empty for good when the pane's pty closes before tmux
// reaps the process, so the pseudo-terminal test reads the code from here instead.
// SIGINT is ignored here: Ctrl+C in the terminal reaches the command itself (same process group), exactly once.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';

const [statusFile, command, ...args] = process.argv.slice(2);
if (!statusFile || !command) throw new Error('usage: record-exit.ts <status-file> <command> [args...]');
process.on('SIGINT', () => {});
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  const status = code ?? 128 + (signal ? constants.signals[signal] : 0);
  writeFileSync(statusFile, `${status}\n`);
  process.exit(status);
});
