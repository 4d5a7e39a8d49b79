import type { Config, Role } from '../config/schema.js';
import type { AgentChoice, AgentHealth } from './types.js';

export interface SelectAgentInput {
  role: Role;
  config: Config;
  /** Agent id -> health; a missing agent is healthy. */
  health: ReadonlyMap<string, AgentHealth>;
  /** Agent id -> invocations in flight. */
  runningByAgent: ReadonlyMap<string, number>;
  /** Agents never to pick for this invocation (already tried, auth-failed, …). */
  exclude?: readonly string[];
  /** For a review: who implemented the WP; another agent is preferred. */
  implementer?: string;
  now: Date;
}

/**
 * Every agent that could ever take `role`, best first: enabled, with the role, not disabled or excluded;
 * those listed in `defaults[role]` first in their listed order, then by priority (highest first), then id.
 * Single-agent mode pinned to one agent narrows the list to that agent.
 */
export function candidatesFor(
  role: Role,
  config: Config,
  health: ReadonlyMap<string, AgentHealth>,
  exclude: readonly string[] = [],
): string[] {
  const sam = config.single_agent_mode;
  const pinned = sam.enabled ? sam.agent : null;
  const eligible = Object.entries(config.agents)
    .filter(([, agent]) => agent.enabled && agent.roles.includes(role))
    .filter(([id]) => health.get(id)?.disabled !== true && !exclude.includes(id))
    .filter(([id]) => pinned === null || id === pinned)
    .map(([id]) => id);
  const listed = config.defaults[role];
  const rank = (id: string): number => {
    const at = listed.indexOf(id);
    return at === -1 ? listed.length : at;
  };
  const priority = (id: string): number => config.agents[id]?.priority ?? 0;
  return eligible.sort(
    (a, b) => rank(a) - rank(b) || priority(b) - priority(a) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/** Whether some agent could take `role` now or later (busy or cooling down still counts): "wait" vs "impossible". */
export function canEverServe(
  role: Role,
  config: Config,
  health: ReadonlyMap<string, AgentHealth>,
  exclude: readonly string[] = [],
): boolean {
  return candidatesFor(role, config, health, exclude).length > 0;
}

function availableNow(id: string, input: SelectAgentInput): boolean {
  const until = input.health.get(id)?.cooldownUntil;
  if (until != null && Date.parse(until) > input.now.getTime()) return false;
  const limit = input.config.agents[id]?.max_concurrent ?? 1;
  return (input.runningByAgent.get(id) ?? 0) < limit;
}

/**
 * The agent to run now for `role`, or null when every candidate is busy or cooling down (or none exists: ask
 * `canEverServe` to tell the two apart). A review goes to an agent other than the implementer whenever one
 * could ever review, even if that means waiting; only when none could does the implementer review its own
 * work, after the single-agent delay.
 */
export function selectAgent(input: SelectAgentInput): AgentChoice | null {
  const ordered = candidatesFor(input.role, input.config, input.health, input.exclude);
  const { implementer } = input;
  if (input.role === 'review' && implementer !== undefined) {
    const others = ordered.filter((id) => id !== implementer);
    if (others.length > 0) return firstAvailable(others, input, 0);
    if (!ordered.includes(implementer)) return null;
    return firstAvailable([implementer], input, input.config.single_agent_mode.delay_seconds * 1000);
  }
  return firstAvailable(ordered, input, 0);
}

function firstAvailable(
  ids: readonly string[],
  input: SelectAgentInput,
  delayMs: number,
): AgentChoice | null {
  const agent = ids.find((id) => availableNow(id, input));
  return agent === undefined ? null : { agent, singleAgentDelayMs: delayMs };
}
