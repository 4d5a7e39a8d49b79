/**
 * `<cli> --version`, read the way the real CLIs print it: codex puts a WARNING line first, copilot a "Package
 * extraction took 11718ms" line on a fresh HOME, pi prints its version on stderr. So stdout is read first, then
 * stderr, for the first line that looks like a version; several CLIs take seconds to start, so the limit is
 * generous and only a few run at once (ten Node CLIs starting together starve one another past any limit).
 */
import { spawn } from 'node:child_process';
import PQueue from 'p-queue';
import { signalGroup } from '../executor/process-tree.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** How long a `--version` may take before the child is killed (copilot unpacks itself for ~12 s on first run). */
export const VERSION_TIMEOUT_MS = 15_000;
/** `--version` commands run at once. */
export const VERSION_CONCURRENCY = 3;
const OUTPUT_CAP = 64 * 1024;

/** A version number standing alone: `0.171.0`, `v1.2`, `1.0.102-beta.3`; not part of a path or a longer number. */
const VERSION = /(?<![\w./-])v?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]*[0-9A-Za-z])?)(?![\w/]|\.\d)/;

function versionIn(text: string): string | null {
  for (const line of text.split('\n')) {
    const match = VERSION.exec(line.trim());
    if (match?.[1]) return match[1];
  }
  return null;
}

/** The version from `--version` output: the first line of stdout that looks like one, else of stderr; else null. */
export function parseVersion(stdout: string, stderr = ''): string | null {
  return versionIn(stdout) ?? versionIn(stderr);
}

const queue = new PQueue({ concurrency: VERSION_CONCURRENCY });

/** The default VersionRunner: spawns the binary (argv array, no shell), killed after `timeoutMs`; a few at a time. */
export async function runVersionCommand(
  file: string,
  args: readonly string[],
  env: Env,
  timeoutMs: number = VERSION_TIMEOUT_MS,
): Promise<string | null> {
  return (await queue.add(() => runOnce(file, args, env, timeoutMs))) ?? null;
}

function runOnce(file: string, args: readonly string[], env: Env, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const output = { stdout: '', stderr: '' };
    let settled = false;
    const settle = (value: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const child = spawn(file, [...args], {
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    const timer = setTimeout(() => {
      // The child leads its own group: a `#!/bin/sh` wrapper's own children die with it.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      settle(null);
    }, timeoutMs);
    for (const name of ['stdout', 'stderr'] as const) {
      child[name].on('data', (chunk: Buffer) => {
        if (output[name].length < OUTPUT_CAP) output[name] += chunk.toString('utf8');
      });
    }
    child.on('error', () => settle(null));
    child.on('close', (code) => settle(code === 0 ? parseVersion(output.stdout, output.stderr) : null));
  });
}
