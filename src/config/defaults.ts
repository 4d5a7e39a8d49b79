import type { RawConfig } from './schema.js';

/**
 * Every agent id the orchestrator knows, most preferred first. The order is the default priority when no
 * `.kittify/agents.yaml` exists; the agent registry must know exactly these ids.
 */
export const AGENT_PREFERENCE = [
  'claude-code',
  'codex',
  'copilot',
  'gemini',
  'qwen',
  'opencode',
  'kilocode',
  'augment',
  'cursor',
  'pi',
  'letta',
  'sim',
] as const;

/** Where the config file lives, relative to the repository root. */
export const CONFIG_FILE = '.kittify/agents.yaml';

/** Priority an agent gets when nothing says otherwise: 100 for the most preferred, then 5 less per step. */
export function defaultPriority(id: string): number {
  const index = (AGENT_PREFERENCE as readonly string[]).indexOf(id);
  // An id outside the list (a registry newer than this table) ranks below every listed agent.
  return index === -1 ? 10 : 100 - index * 5;
}

/**
 * The config used when the repository has no `.kittify/agents.yaml`: every detected agent enabled for both
 * roles, ranked by the fixed preference list; with exactly one agent, single-agent mode (it reviews its own
 * work after a pause) is switched on.
 */
export function defaultConfig(detected: readonly { id: string }[]): RawConfig {
  const ids = [...new Set(detected.map((agent) => agent.id))];
  const agents: NonNullable<RawConfig['agents']> = {};
  for (const id of ids) {
    agents[id] = { enabled: true, roles: ['implementation', 'review'], priority: defaultPriority(id) };
  }
  const only = ids.length === 1 ? ids[0] : undefined;
  return {
    version: '1.0',
    agents,
    single_agent_mode: { enabled: only !== undefined, agent: only ?? null },
  };
}

/** The one-line hint given when no agent is enabled. */
export function noAgentsMessage(detail?: string): string {
  const installable = AGENT_PREFERENCE.filter((id) => id !== 'sim').join(', ');
  const why = detail === undefined ? '' : `${detail}; `;
  return `no agents available: ${why}install one of ${installable} or enable \`sim\` in ${CONFIG_FILE}`;
}
