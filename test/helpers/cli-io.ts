import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that captures what the CLI prints, for in-process runs of `runCli`. */
export function captureIO(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    env,
    cwd,
    isTTY: false,
    out: () => out,
    err: () => err,
  };
}
