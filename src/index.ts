/**
 * kitty-orchestrator as a library: everything the CLI and the action do, importable. The usual entry is
 * `runFeature`; the pieces below let a host wire its own store, process runner or reports.
 */
export { runFeature, featureLogDir, type RunFeatureOptions } from './run-feature.js';
export { orchestrate, ABORT_REASON, type EngineExtras } from './engine/run.js';
export { abortStoredRun } from './engine/abort.js';
export type { Clock, Logger, OrchestrateOptions, RunOutcome } from './engine/types.js';
export { KittyError, isKittyError, exitCodeFor, type ErrorKind } from './errors.js';
export * from './feature/index.js';
export * from './config/index.js';
export { buildGraph, type WorkGraph } from './graph/index.js';
export { readyWps, selectAgent, canEverServe, type AgentHealth } from './scheduler/index.js';
export { INVOKERS, KNOWN_AGENT_IDS, getInvoker } from './agents/registry.js';
export { detectAgents } from './agents/detect.js';
export type * from './agents/types.js';
export { runProcess, createProcessRunner } from './executor/run-process.js';
export type { ProcessOutcome, ProcessRunner, RunProcessOptions } from './executor/types.js';
export { createStandaloneHost } from './host/standalone.js';
export type { Host, Workspace } from './host/types.js';
export { createFileStore, readStatus } from './state/file-store.js';
export { reduce, applyEvent } from './state/reduce.js';
export type * from './state/types.js';
export { toRunView, type RunView, type WpRow } from './report/view-model.js';
export { createRedactor } from './redact.js';
