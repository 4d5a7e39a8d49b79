import { KittyError } from '../errors.js';
import { AGENT_PREFERENCE, defaultPriority } from './defaults.js';
import { suggestion } from './format-issues.js';
import type { RawConfig, Role } from './schema.js';

/**
 * Settings given on the command line or as action inputs; they win over `.kittify/agents.yaml`. Undefined
 * means "not given". Values are not checked here: the merged result goes through the schema, which names the
 * override at fault.
 */
export interface ConfigOverrides {
  /** Enable exactly these agents and disable every other one. */
  agents?: string[];
  /** Put this agent first for implementation. */
  implAgent?: string;
  /** Put this agent first for review. */
  reviewAgent?: string;
  concurrency?: number;
  /** Wall-clock limit of one agent invocation, for every agent. */
  timeoutSeconds?: number;
  /** Inactivity limit of one agent invocation, for every agent. */
  inactivityTimeoutSeconds?: number;
  /** One of FALLBACK_STRATEGIES; a plain string so action inputs reach the schema's message unchanged. */
  fallbackStrategy?: string;
  maxRetries?: number;
  maxReviewRounds?: number;
  verifyCommand?: string[];
  singleAgentDelaySeconds?: number;
  baseBranch?: string;
  /** Spending limits (`budget.*`). */
  maxUsd?: number;
  maxUsdPerWp?: number;
  maxTokens?: number;
  maxTokensPerWp?: number;
}

type RawAgents = NonNullable<RawConfig['agents']>;
type RawAgent = RawAgents[string];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Apply `overrides` to a raw config (from the file or the defaults) and return a new raw config; `raw` is not
 * modified. The one place overrides are interpreted, for the CLI and the action alike. Throws
 * KittyError('usage') for an agent id neither the config nor the registry knows, or one that cannot play the
 * role it is asked for.
 */
export function mergeConfig(raw: RawConfig, overrides: ConfigOverrides): RawConfig {
  const merged = structuredClone(raw);
  // An `agents` that is not a mapping stays as the file wrote it, so the schema blames the file for it.
  if (merged.agents === undefined || isRecord(merged.agents)) {
    if (overrides.agents !== undefined) enableOnly(merged, overrides.agents);
    if (overrides.implAgent !== undefined) putFirst(merged, 'implementation', overrides.implAgent, overrides);
    if (overrides.reviewAgent !== undefined) putFirst(merged, 'review', overrides.reviewAgent, overrides);
    setForEveryAgent(merged, 'timeout_seconds', overrides.timeoutSeconds);
    setForEveryAgent(merged, 'inactivity_timeout_seconds', overrides.inactivityTimeoutSeconds);
  }
  applyScalars(merged, overrides);
  return merged;
}

/** Agents the override may name: those in the config plus every agent the registry can run. */
function knownIds(raw: RawConfig): string[] {
  const configured = isRecord(raw.agents) ? Object.keys(raw.agents) : [];
  return [...new Set([...configured, ...AGENT_PREFERENCE])];
}

function assertKnown(raw: RawConfig, id: string, what: string): void {
  const known = knownIds(raw);
  if (!known.includes(id)) {
    throw new KittyError(
      'usage',
      `unknown agent "${id}" in ${what}${suggestion(id, known)}; known agents: ${known.join(', ')}`,
    );
  }
}

/** The config's entry for `id`, created with the registry defaults when the config does not mention it. */
function agentEntry(raw: RawConfig, id: string): RawAgent {
  raw.agents ??= {};
  const existing = raw.agents[id];
  if (isRecord(existing)) return existing;
  const created: RawAgent = { priority: defaultPriority(id) };
  raw.agents[id] = created;
  return created;
}

function enableOnly(raw: RawConfig, ids: readonly string[]): void {
  for (const id of ids) assertKnown(raw, id, 'the agents override');
  for (const id of ids) agentEntry(raw, id).enabled = true;
  for (const [id, agent] of Object.entries(raw.agents ?? {})) {
    if (!ids.includes(id) && isRecord(agent)) agent.enabled = false;
  }
  releaseSingleAgent(raw, ids);
}

/** An explicit choice of agents wins over a single-agent mode pinned to some other agent. */
function releaseSingleAgent(raw: RawConfig, keep: readonly string[]): void {
  const sam = raw.single_agent_mode;
  if (isRecord(sam) && typeof sam.agent === 'string' && !keep.includes(sam.agent)) {
    raw.single_agent_mode = { ...sam, enabled: false, agent: null };
  }
}

function putFirst(raw: RawConfig, role: Role, id: string, overrides: ConfigOverrides): void {
  const what = role === 'implementation' ? 'the implementation agent override' : 'the review agent override';
  assertKnown(raw, id, what);
  if (overrides.agents !== undefined && !overrides.agents.includes(id)) {
    throw new KittyError('usage', `${what} names "${id}", which the agents override leaves out`);
  }
  const agent = agentEntry(raw, id);
  if (Array.isArray(agent.roles) && !agent.roles.includes(role)) {
    throw new KittyError('usage', `${what} names "${id}", which lacks the ${role} role in its config`);
  }
  // Asking for an agent by name means using it, even if the file has it switched off.
  agent.enabled = true;
  const defaults = isRecord(raw.defaults) ? raw.defaults : {};
  const listed = Array.isArray(defaults[role]) ? defaults[role] : [];
  raw.defaults = { ...defaults, [role]: [id, ...listed.filter((other) => other !== id)] };
  releaseSingleAgent(raw, [id]);
}

function setForEveryAgent(
  raw: RawConfig,
  key: 'timeout_seconds' | 'inactivity_timeout_seconds',
  value: number | undefined,
): void {
  if (value === undefined || !isRecord(raw.agents)) return;
  for (const agent of Object.values(raw.agents)) {
    if (isRecord(agent)) agent[key] = value;
  }
}

/** Spread `patch` into the object at `raw[section]`, keeping what the file set there. */
function patchSection<K extends 'global' | 'fallback' | 'review' | 'single_agent_mode' | 'budget'>(
  raw: RawConfig,
  section: K,
  patch: Record<string, unknown>,
): void {
  if (Object.keys(patch).length === 0) return;
  const current: unknown = raw[section];
  raw[section] = { ...(isRecord(current) ? current : {}), ...patch };
}

/** Drop undefined values so an unset override never erases a value from the file. */
const defined = (entries: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

function applyScalars(raw: RawConfig, o: ConfigOverrides): void {
  patchSection(raw, 'global', defined({ concurrency: o.concurrency }));
  patchSection(raw, 'fallback', defined({ strategy: o.fallbackStrategy, max_retries: o.maxRetries }));
  patchSection(raw, 'review', defined({ max_rounds: o.maxReviewRounds }));
  patchSection(raw, 'single_agent_mode', defined({ delay_seconds: o.singleAgentDelaySeconds }));
  patchSection(
    raw,
    'budget',
    defined({
      max_usd: o.maxUsd,
      max_usd_per_wp: o.maxUsdPerWp,
      max_tokens: o.maxTokens,
      max_tokens_per_wp: o.maxTokensPerWp,
    }),
  );
  if (o.verifyCommand !== undefined) raw.verify_command = o.verifyCommand;
  if (o.baseBranch !== undefined) raw.base_branch = o.baseBranch;
}

/**
 * Which override set the value at a config key path, for error messages: `global.concurrency` ->
 * `concurrency`. Per-agent timeouts match any agent id.
 */
export function overrideForPath(path: readonly PropertyKey[]): keyof ConfigOverrides | undefined {
  const [first, second, third] = path.map(String);
  if (first === 'agents' && path.length >= 3) {
    if (third === 'timeout_seconds') return 'timeoutSeconds';
    if (third === 'inactivity_timeout_seconds') return 'inactivityTimeoutSeconds';
    return undefined;
  }
  const key = `${first ?? ''}.${second ?? ''}`;
  const byKey: Record<string, keyof ConfigOverrides> = {
    'global.concurrency': 'concurrency',
    'fallback.strategy': 'fallbackStrategy',
    'fallback.max_retries': 'maxRetries',
    'review.max_rounds': 'maxReviewRounds',
    'single_agent_mode.delay_seconds': 'singleAgentDelaySeconds',
    'budget.max_usd': 'maxUsd',
    'budget.max_usd_per_wp': 'maxUsdPerWp',
    'budget.max_tokens': 'maxTokens',
    'budget.max_tokens_per_wp': 'maxTokensPerWp',
  };
  if (first === 'verify_command') return 'verifyCommand';
  if (first === 'base_branch') return 'baseBranch';
  return byKey[key];
}
