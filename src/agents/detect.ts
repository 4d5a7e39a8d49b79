/**
 * Which agent CLIs are installed: each invoker's binaries looked up on PATH (or the agent's `command` override),
 * then `<bin> --version` run briefly to read the version. The built-in sim agent is a demo and test double: it is
 * reported only when the caller asks for it (`includeSim`: the config or a flag names it), so a real run never
 * picks it up by default.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { AgentInvoker, DetectedAgent } from './types.js';
import { INVOKERS } from './registry.js';
import { findSimScript, packageVersion } from './sim.js';
import { runVersionCommand, type Env } from './version.js';

export { parseVersion, runVersionCommand, VERSION_TIMEOUT_MS, type Env } from './version.js';

/** Runs `<file> <args>` and returns its version text, or null when it fails or times out. */
export type VersionRunner = (file: string, args: readonly string[], env: Env) => Promise<string | null>;

export interface DetectOptions {
  /** The environment whose PATH is searched and which the version commands get. */
  env: Env;
  /** Configured agents: their `command` overrides the binary, their `priority` orders the result. */
  config?: { agents: Readonly<Record<string, AgentConfig>> } | undefined;
  runVersion?: VersionRunner;
  /** Report the built-in sim agent too; only when the config or a flag names it. */
  includeSim?: boolean;
}

const DEFAULT_PRIORITY = 50;

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidateNames(name: string, env: Env): string[] {
  if (process.platform !== 'win32') return [name];
  const exts = (env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return [name, ...exts.map((ext) => name + ext.toLowerCase()), ...exts.map((ext) => name + ext)];
}

/**
 * The absolute path of an executable: a name containing a path separator is checked as given (resolved against the
 * current directory), a bare name is looked up in `env.PATH`. Empty PATH entries are skipped rather than taken as
 * the current directory. Null when not found.
 */
export async function findExecutable(name: string, env: Env): Promise<string | null> {
  if (name.includes('/') || name.includes(path.sep)) {
    const file = path.resolve(name);
    return (await isExecutableFile(file)) ? file : null;
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const candidate of candidateNames(name, env)) {
      const file = path.resolve(dir, candidate);
      if (await isExecutableFile(file)) return file;
    }
  }
  return null;
}

interface Found extends DetectedAgent {
  priority: number;
  order: number;
}

async function detectOne(
  invoker: AgentInvoker,
  order: number,
  agent: AgentConfig | undefined,
  options: DetectOptions,
): Promise<Found | null> {
  const priority = agent?.priority ?? DEFAULT_PRIORITY;
  if (invoker.id === 'sim' && !options.includeSim) return null;
  if (invoker.id === 'sim' && !agent?.command) {
    return {
      id: invoker.id,
      path: findSimScript() ?? process.execPath,
      version: packageVersion(),
      priority,
      order,
    };
  }
  const names = agent?.command ? [agent.command] : invoker.binaries;
  for (const name of names) {
    const file = await findExecutable(name, options.env);
    if (!file) continue;
    const runVersion = options.runVersion ?? runVersionCommand;
    const version =
      invoker.versionArgs.length > 0 ? await runVersion(file, invoker.versionArgs, options.env) : null;
    return { id: invoker.id, path: file, version, priority, order };
  }
  return null;
}

/**
 * Every known agent that is installed, sorted by configured priority (higher first), then by preference order.
 * Disabled agents are reported too: whether to use an agent is the config's business, not detection's.
 */
export async function detectAgents(options: DetectOptions): Promise<DetectedAgent[]> {
  const agents = options.config?.agents ?? {};
  const found = await Promise.all(
    [...INVOKERS.values()].map((invoker, order) => detectOne(invoker, order, agents[invoker.id], options)),
  );
  return found
    .filter((agent): agent is Found => agent !== null)
    .sort((a, b) => b.priority - a.priority || a.order - b.order)
    .map(({ id, path: file, version }) => ({ id, path: file, version }));
}
