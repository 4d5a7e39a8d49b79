import type { ErrorClass, ReviewFinding, TokenUsage } from '../agents/types.js';
import type { Role } from '../config/schema.js';
import type { Lane } from '../feature/types.js';

export const RUN_STATUSES = ['running', 'paused', 'completed', 'failed', 'aborted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * The append-only event log is the single source of truth; the snapshot is derived from it by `reduce`.
 * Every event carries its time (`at`, ISO) and a monotonically increasing sequence number (`seq`).
 */
export type OrchestrationEvent = { seq: number; at: string } & (
  | {
      type: 'run_started';
      runId: string;
      feature: string;
      configHash: string;
      workPackages: { id: string; title: string; dependencies: string[] }[];
    }
  | { type: 'run_resumed'; runId: string }
  | { type: 'lane_changed'; wp: string; lane: Lane; reason?: string }
  | {
      type: 'attempt_started';
      wp: string;
      role: Role;
      agent: string;
      attempt: number;
      logFile: string;
      /** The WP branch's commit when an implementation attempt started: a resume adopts or resets to it. */
      head?: string;
    }
  | {
      type: 'attempt_finished';
      wp: string;
      role: Role;
      agent: string;
      attempt: number;
      success: boolean;
      summary: string;
      errorClass?: ErrorClass;
      exitCode: number | null;
      durationMs: number;
      costUsd?: number;
      tokens?: TokenUsage;
    }
  | {
      type: 'review_verdict';
      wp: string;
      agent: string;
      verdict: 'approved' | 'changes_requested';
      summary: string;
      findings: ReviewFinding[];
    }
  | { type: 'fallback'; wp: string; role: Role; from: string; to: string; reason: string }
  | { type: 'agent_cooldown'; agent: string; until: string; reason: string }
  /** The spending limits the run now works under (at start, and on a resume that changed them). */
  | { type: 'budget_set'; budget: RunBudget }
  | { type: 'wp_failed'; wp: string; reason: string }
  | { type: 'wp_blocked'; wp: string; by: string }
  | { type: 'run_finished'; status: Exclude<RunStatus, 'running'>; message: string }
);
export type EventType = OrchestrationEvent['type'];
/** An event before the store stamps `seq` and `at`. */
export type NewEvent = OrchestrationEvent extends infer E
  ? E extends OrchestrationEvent
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

export interface AttemptRecord {
  role: Role;
  agent: string;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  success: boolean | null;
  summary: string;
  errorClass: ErrorClass | null;
  exitCode: number | null;
  logFile: string;
  costUsd: number;
  tokens: TokenUsage;
  /** The WP branch's commit when the attempt started (implementation attempts; absent in older logs). */
  head?: string;
}

/** One WP's execution (the seed's WPExecution, plus cost and tokens). */
export interface WPExecution {
  wpId: string;
  title: string;
  dependencies: string[];
  lane: Lane;
  implementationAgent: string | null;
  reviewAgent: string | null;
  implementationRetries: number;
  reviewRounds: number;
  fallbackAgentsTried: string[];
  attempts: AttemptRecord[];
  reviewFeedback: { verdict: string; summary: string; findings: ReviewFinding[] } | null;
  lastError: string | null;
  /** Wall time the WP first started and last finished. */
  startedAt: string | null;
  completedAt: string | null;
  costUsd: number;
  tokens: TokenUsage;
  /** The last line the running agent printed (not persisted in events; filled by live views). */
  lastLine?: string;
}

/** Spending limits (config `budget`); null: no limit. */
export interface RunBudget {
  max_usd: number | null;
  max_usd_per_wp: number | null;
  max_tokens: number | null;
  max_tokens_per_wp: number | null;
}

/** The whole run (the seed's OrchestrationRun, plus cost and tokens). */
export interface OrchestrationRun {
  runId: string;
  feature: string;
  configHash: string;
  status: RunStatus;
  startedAt: string;
  /** Time of the last event. */
  updatedAt: string;
  completedAt: string | null;
  message: string | null;
  wpsTotal: number;
  wpsCompleted: number;
  wpsFailed: number;
  parallelPeak: number;
  totalInvocations: number;
  retries: number;
  fallbacks: number;
  costUsd: number;
  tokens: TokenUsage;
  agentCooldowns: Record<string, string>;
  /** The limits set by the last budget_set event; absent when the run never had any. */
  budget?: RunBudget;
  workPackages: Record<string, WPExecution>;
  /** seq of the last event folded in. */
  lastSeq: number;
}

/**
 * The port through which the engine persists a run. The event log is the truth; the snapshot is derived
 * (and may lag it). Implementations: a file store (CLI, and the action, whose cache step syncs the same files).
 */
export interface StateStore {
  /** Where this store keeps its files (for messages and for the action's cache step). */
  readonly location: string;
  /** The events recorded so far, oldest first; [] when none. Throws KittyError('state') naming the file on corruption. */
  load(): Promise<OrchestrationEvent[]>;
  /** Stamp `seq` and `at`, append durably, and return the stamped events. */
  append(events: NewEvent[]): Promise<OrchestrationEvent[]>;
  /** Persist the derived snapshot atomically, keeping a backup of the previous one. */
  writeSnapshot(run: OrchestrationRun): Promise<void>;
  /** Take the feature's run lock; throws KittyError('state') naming the holder if another live run has it. */
  lock(): Promise<() => Promise<void>>;
}
