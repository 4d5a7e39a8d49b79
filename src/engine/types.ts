import type { Config } from '../config/schema.js';
import type { ProcessRunner } from '../executor/types.js';
import type { Feature } from '../feature/types.js';
import type { Host } from '../host/types.js';
import type { OrchestrationEvent, OrchestrationRun, StateStore } from '../state/types.js';

/** A logger port: the CLI writes to the terminal, the action to `core`. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface OrchestrateOptions {
  repoDir: string;
  feature: Feature;
  config: Config;
  host: Host;
  runProcess: ProcessRunner;
  store: StateStore;
  logger: Logger;
  /** Where per-attempt logs go (default `<repo>/.kittify/logs/<feature>`). */
  logDir: string;
  /** Continue the feature's last run instead of starting a new one. */
  resume: boolean;
  /** Stops the run gracefully: agents are stopped, state is saved, the run ends `paused`. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Called after each event is recorded, with the run as it now stands. */
  onEvent?: (event: OrchestrationEvent, run: OrchestrationRun) => void;
  /** Called with each line an agent prints. */
  onAgentLine?: (wpId: string, line: string) => void;
}

/** How a run ended. */
export interface RunOutcome {
  run: OrchestrationRun;
}
