/**
 * kitty-orchestrator as a library. The usual entries are `runFeature` (run a feature as the CLI does),
 * `planFeature` (read and plan it, running nothing) and `readStatus`; `orchestrate` is the engine itself, for a
 * host that wires its own store, process runner or reports. Everything exported here is the public API: see
 * docs/library.md. Internals (parsers, schemas, helpers) are deliberately not exported.
 */

// Run, plan, inspect, stop.
export { runFeature, featureLogDir, type RunFeatureOptions } from './run-feature.js';
export { planFeature, planView, type PlanView } from './plan.js';
export { readStatus } from './state/read-status.js';
export { abortStoredRun } from './engine/abort.js';
export { KittyError, isKittyError, exitCodeFor, type ErrorKind } from './errors.js';

// The engine with your own ports.
export { orchestrate, ABORT_REASON, type EngineExtras } from './engine/run.js';
export type { Clock, Logger, OrchestrateOptions, RunOutcome } from './engine/types.js';
export { killGroup } from './executor/process-tree.js';
export { createRedactor } from './redact.js';
export { createStandaloneHost, type StandaloneHostOptions } from './host/standalone.js';
export type { Host, Workspace } from './host/types.js';
export { createProcessRunner, runProcess, type ProcessRunnerSettings } from './executor/run-process.js';
export type { ProcessOutcome, ProcessRunner, RunProcessOptions } from './executor/types.js';
export { createFileStore, statePaths, type FileStoreOptions, type StatePaths } from './state/file-store.js';
export { reduce, applyEvent } from './state/reduce.js';
export {
  RUN_STATUSES,
  type AttemptRecord,
  type EventType,
  type NewEvent,
  type OrchestrationEvent,
  type OrchestrationRun,
  type RunStatus,
  type StateStore,
  type WPExecution,
} from './state/types.js';

// Features, configuration, the graph and the scheduler.
export {
  readFeature,
  listFeatures,
  LANES,
  type Feature,
  type Lane,
  type Subtask,
  type WorkPackage,
} from './feature/index.js';
export {
  loadConfig,
  defaultConfig,
  CONFIG_FILE,
  ROLES,
  FALLBACK_STRATEGIES,
  type AgentConfig,
  type Config,
  type ConfigOverrides,
  type FallbackStrategy,
  type LoadConfigOptions,
  type Role,
} from './config/index.js';
export { buildGraph, type WorkGraph } from './graph/index.js';
export {
  readyWps,
  selectAgent,
  canEverServe,
  type AgentChoice,
  type AgentHealth,
  type SelectAgentInput,
} from './scheduler/index.js';

// Agents.
export { INVOKERS, KNOWN_AGENT_IDS, getInvoker } from './agents/registry.js';
export { detectAgents, type DetectOptions } from './agents/detect.js';
export {
  ERROR_CLASSES,
  type AgentInvoker,
  type AgentResult,
  type DetectedAgent,
  type ErrorClass,
  type Invocation,
  type InvocationRequest,
  type PromptDelivery,
  type ReviewFinding,
  type ReviewVerdict,
  type TokenUsage,
} from './agents/types.js';

// Reports.
export { toRunView, type AgentUsage, type RunView, type WpRow } from './report/view-model.js';
