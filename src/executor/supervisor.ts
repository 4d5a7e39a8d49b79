/**
 * A small supervisor between the orchestrator and each agent. An orchestrator killed with SIGKILL runs no code,
 * so it cannot stop its agents; Linux's parent-death signal is not reachable from Node. The supervisor is a
 * Node process that leads the agent's group and holds one end of a pipe (fd 3) whose other end only the
 * orchestrator holds: when the orchestrator dies, the pipe closes and the supervisor stops the whole group
 * (SIGTERM, then SIGKILL). It passes its stdio to the agent, ignores the signals that stop the group (the agent
 * gets them too) and ends as the agent ended, so a runner sees the agent's exit code and signal.
 *
 * Run as `node -e SUPERVISOR_SOURCE <command> [args…]`: plain CommonJS, no file to ship with the bundle.
 */
export const SUPERVISOR_SOURCE = String.raw`
const { spawn } = require('node:child_process');
const net = require('node:net');
const [command, ...args] = process.argv.slice(1);
const stop = (signal) => { try { process.kill(-process.pid, signal); } catch {} };
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => {});
const child = spawn(command, args, { stdio: 'inherit' });
child.on('error', (error) => {
  const why = error.code === 'ENOENT' ? 'executable not found (is it installed and on PATH?)' : error.message;
  process.stderr.write('kitty-orchestrator: cannot run ' + command + ': ' + why + '\n');
  process.exit(error.code === 'EACCES' ? 126 : 127);
});
child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code === null ? 1 : code);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
const parent = new net.Socket({ fd: 3, readable: true, writable: false });
parent.on('error', () => {});
parent.on('close', () => {
  stop('SIGTERM');
  setTimeout(() => stop('SIGKILL'), 2000);
});
parent.resume();
`;

/** The argv that runs `argv` under the supervisor (with this Node). */
export function supervisedArgv(argv: readonly string[]): string[] {
  return [process.execPath, '-e', SUPERVISOR_SOURCE, ...argv];
}
