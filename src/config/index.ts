/** Configuration: the schema over `.kittify/agents.yaml`, defaults from detected agents, and overrides. */
export {
  configSchema,
  agentSchema,
  ROLES,
  FALLBACK_STRATEGIES,
  type AgentConfig,
  type Config,
  type FallbackStrategy,
  type RawConfig,
  type Role,
} from './schema.js';
export { AGENT_PREFERENCE, CONFIG_FILE, defaultConfig, defaultPriority } from './defaults.js';
export { mergeConfig, type ConfigOverrides } from './merge.js';
export {
  configFrom,
  configHash,
  loadConfig,
  parseRawConfig,
  readRawConfig,
  validateConfig,
  type LoadConfigOptions,
} from './load.js';
export { formatIssue } from './format-issues.js';
export { formatPath } from './issue-message.js';
