/** Pure scheduling: which WPs can start, and which agent takes an invocation. */
export { blockedWps, readyWps } from './plan.js';
export { canEverServe, candidatesFor, selectAgent, type SelectAgentInput } from './select-agent.js';
export type { AgentChoice, AgentHealth } from './types.js';
