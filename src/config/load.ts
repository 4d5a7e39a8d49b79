import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { KittyError, errorMessage } from '../errors.js';
import { CONFIG_FILE, defaultConfig, noAgentsMessage } from './defaults.js';
import { formatIssue, issueKey } from './format-issues.js';
import { mergeConfig, overrideForPath, type ConfigOverrides } from './merge.js';
import { configSchema, type Config, type RawConfig } from './schema.js';

export interface LoadConfigOptions {
  /** The repository root; the config file is `<repoDir>/.kittify/agents.yaml`. */
  repoDir: string;
  /** CLI flags or action inputs; they win over the file. */
  overrides?: ConfigOverrides;
  /** Agents found installed; used only when the repository has no config file. */
  detectedAgents: readonly { id: string }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Load the run's configuration: `.kittify/agents.yaml` (or, without one, defaults built from the detected
 * agents), then the overrides, then the schema. Throws KittyError('config') naming the file, line or key at
 * fault, KittyError('usage') for a bad override, and KittyError('agent') when no agent is enabled.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  return configFrom(await readRawConfig(options.repoDir), options);
}

/** loadConfig for a file already read (`fromFile`, null when the repository has none). */
export function configFrom(fromFile: RawConfig | null, options: Omit<LoadConfigOptions, 'repoDir'>): Config {
  const raw = fromFile ?? defaultConfig(options.detectedAgents);
  const source = fromFile === null ? `default config (no ${CONFIG_FILE})` : CONFIG_FILE;
  const config = validateConfig(raw, options.overrides ?? {}, source);
  assertRunnable(config, fromFile !== null);
  return config;
}

/** The file's contents as an unvalidated raw config, or null when the repository has no config file. */
export async function readRawConfig(repoDir: string): Promise<RawConfig | null> {
  let text: string;
  try {
    text = await readFile(path.join(repoDir, CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KittyError('config', `${CONFIG_FILE}: cannot read: ${errorMessage(error)}`, { cause: error });
  }
  return parseRawConfig(text);
}

/** Parse the YAML text of a config file; errors name `.kittify/agents.yaml` and the line. */
export function parseRawConfig(text: string): RawConfig {
  // Merge keys (`<<: *base`) let a file share one agent block between several agents.
  const doc = parseDocument(text, { merge: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0].line ?? 1;
    const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new KittyError('config', `${CONFIG_FILE}:${line}: ${message}`, { cause: first });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new KittyError('config', `${CONFIG_FILE}: ${errorMessage(error)}`, { cause: error });
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) {
    throw new KittyError(
      'config',
      `${CONFIG_FILE}: must be a mapping of settings, got ${describeTop(value)}`,
    );
  }
  return normaliseAgents(value);
}

const describeTop = (value: unknown): string => (Array.isArray(value) ? 'a list' : JSON.stringify(value));

/** `agents: { codex: }` (a bare key) means "codex with every default", which YAML reads as null. */
function normaliseAgents(value: Record<string, unknown>): Record<string, unknown> {
  const agents = value.agents;
  if (!isRecord(agents)) return value;
  const filled = Object.fromEntries(Object.entries(agents).map(([id, agent]) => [id, agent ?? {}]));
  return { ...value, agents: filled };
}

/**
 * Apply the overrides and validate. Issues the file (or defaults) has on its own are reported against
 * `source`; issues only the overrides introduced name the override, so a bad flag is not blamed on the file.
 */
export function validateConfig(raw: RawConfig, overrides: ConfigOverrides, source: string): Config {
  const merged = configSchema.safeParse(mergeConfig(raw, overrides), { reportInput: true });
  if (merged.success) return merged.data;
  const own = configSchema.safeParse(raw, { reportInput: true });
  const ownKeys = new Set(own.success ? [] : own.error.issues.map(issueKey));
  const fileIssues = merged.error.issues.filter((issue) => ownKeys.has(issueKey(issue)));
  const overrideClauses = new Set(
    merged.error.issues
      .filter((issue) => !ownKeys.has(issueKey(issue)))
      .map((issue) => {
        const name = overrideForPath(issue.path);
        return name === undefined
          ? `overrides: ${formatIssue(issue)}`
          : formatIssue(issue, `override ${name}`);
      }),
  );
  const parts = [...overrideClauses];
  if (fileIssues.length > 0) parts.unshift(`${source}: ${fileIssues.map((i) => formatIssue(i)).join('; ')}`);
  throw new KittyError(fileIssues.length > 0 ? 'config' : 'usage', parts.join('; '));
}

/** A config that validates can still leave nothing to run: say so before any work starts. */
function assertRunnable(config: Config, hasFile: boolean): void {
  const ids = Object.keys(config.agents);
  const enabled = ids.filter((id) => config.agents[id]?.enabled);
  if (enabled.length === 0) {
    const detail = !hasFile
      ? 'none was detected'
      : ids.length === 0
        ? `${CONFIG_FILE} defines none`
        : `every agent is disabled (${ids.join(', ')})`;
    throw new KittyError('agent', noAgentsMessage(detail));
  }
  const sam = config.single_agent_mode;
  if (sam.enabled && sam.agent !== null && !enabled.includes(sam.agent)) {
    throw new KittyError(
      'config',
      `${hasFile ? CONFIG_FILE : 'config'}: single_agent_mode.agent: "${sam.agent}" is disabled, so nothing could run`,
    );
  }
}

/** JSON with object keys sorted at every level, so equal configs always hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short fingerprint of a validated config (first 12 hex of a sha256): a resumed run checks it did not change. */
export function configHash(config: Config): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}
