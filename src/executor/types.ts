/** What one output line says about an agent: working, only waiting for its provider, or neither (logs). */
export type LineKind = 'progress' | 'waiting' | 'other';

/**
 * Watches an attempt for signs of work (see agents/liveness.ts): waiting lines never count as activity for the
 * inactivity timer, and an attempt that showed no progress by `waitLimitMs` is stopped as `network_wait`.
 */
export interface LivenessWatch {
  kind: (line: string, stream: 'stdout' | 'stderr') => LineKind;
  waitLimitMs: number;
  /** The CLI streams events as it works: silence counts as waiting, not only waiting lines. */
  silenceIsWaiting: boolean;
}

/** How a child process ended. */
export interface ProcessOutcome {
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why we stopped it, if we did. */
  stoppedBy: 'wall_timeout' | 'inactivity_timeout' | 'network_wait' | 'abort' | null;
  durationMs: number;
}

export interface RunProcessOptions {
  argv: string[];
  cwd: string;
  /** Added to a minimal inherited environment. */
  env?: Record<string, string>;
  stdin?: string | null;
  wallTimeoutMs: number;
  inactivityTimeoutMs: number;
  /** Time between SIGTERM and SIGKILL to the process group. */
  killGraceMs?: number;
  /** Each chunk of output is appended here as it arrives (the per-attempt log file). */
  logFile?: string;
  /** Called with each complete output line (live view, last-line display). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** Called once the child is spawned, with its pid (= its process group id). */
  onSpawn?: (pid: number) => void;
  /**
   * The agent's worktree: when set, processes that left the child's group (setsid) are found when it ends (by
   * an environment mark they inherit, or by working in this directory since the child started) and stopped.
   */
  sweepDir?: string;
  /** Applied to everything written to the log file and passed to onLine (secret redaction). */
  redact?: (text: string) => string;
  /** Cap on the agent output written to the log (and passed to onLine); a note marks the cut. Default 20 MiB. */
  maxLogBytes?: number;
  /** Lines longer than this are cut with a note, in the log and for onLine. Default 64 Ki characters. */
  maxLineChars?: number;
  /** Stop an attempt early that only waits for its provider; without it every output byte is activity. */
  liveness?: LivenessWatch;
}

/** The port through which the engine starts agent processes. */
export type ProcessRunner = (options: RunProcessOptions) => Promise<ProcessOutcome>;
