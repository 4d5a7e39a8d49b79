import type { AgentConfig, Role } from '../config/schema.js';
import type { ProcessOutcome } from '../executor/types.js';

/** Why an invocation failed; decides retry, cool-down or fallback. */
export const ERROR_CLASSES = [
  /** The CLI rejected its flags or arguments: our argv no longer fits it. */
  'usage',
  'auth',
  'rate_limit',
  'network',
  'timeout',
  'stalled',
  'invalid_output',
  'crash',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type PromptDelivery = 'stdin' | 'argument' | 'file';

export interface TokenUsage {
  input: number;
  output: number;
}

export interface ReviewFinding {
  /** Where: a file path, optionally with :line. */
  location?: string | undefined;
  message: string;
}

export interface ReviewVerdict {
  verdict: 'approved' | 'changes_requested';
  summary: string;
  findings: ReviewFinding[];
}

/** Everything an invoker needs to build one run of its CLI. */
export interface InvocationRequest {
  role: Role;
  /** The full prompt text. */
  prompt: string;
  /** The WP's worktree: the agent's working directory. */
  cwd: string;
  /** The agent's validated config (extra_args, command override, options). */
  agent: AgentConfig;
  /** A directory private to this attempt, outside the worktree, for prompt/schema/verdict files. */
  scratchDir: string;
}

/** How to run the CLI once: argv (never a shell string) and where the prompt goes. */
export interface Invocation {
  /** argv[0] is the executable (a name looked up on PATH, or a path). */
  argv: string[];
  promptDelivery: PromptDelivery;
  /** Text written to the child's stdin, then stdin is closed; null: stdin is /dev/null. */
  stdin: string | null;
  /** Added to the child's environment. */
  env: Record<string, string>;
  /** Files to write before spawning (schema files, prompt files), absolute path -> content. */
  files: Record<string, string>;
  /** A wall-clock limit the invoker insists on regardless of config (Cursor never exits on its own). */
  hardTimeoutSeconds?: number;
}

/** One invocation's result, in the same shape for every agent. */
export interface AgentResult {
  success: boolean;
  /** What the agent said it did (or why it failed), trimmed for humans. */
  summary: string;
  commits?: string[];
  files?: string[];
  costUsd?: number;
  tokens?: TokenUsage;
  sessionId?: string;
  errorClass?: ErrorClass;
  /** ISO time the provider said the rate limit resets. */
  rateLimitResetAt?: string;
  /** For reviews: the validated verdict. A review without one is never a success. */
  verdict?: ReviewVerdict;
}

export interface DetectedAgent {
  id: string;
  /** Absolute path of the binary found on PATH. */
  path: string;
  version: string | null;
}

/** One module per agent CLI implements this. */
export interface AgentInvoker {
  /** Config id, e.g. `claude-code`. */
  readonly id: string;
  readonly displayName: string;
  /** Binary names to look for on PATH, most preferred first. */
  readonly binaries: readonly string[];
  /** Arguments that make the CLI print its version. */
  readonly versionArgs: readonly string[];
  /**
   * The CLI streams events on stdout as it works (JSONL), so an attempt that printed none has not started
   * working: silence counts as waiting for the network (see liveness.ts). CLIs that print one result at the end
   * leave this unset.
   */
  readonly streamsEvents?: boolean;
  buildInvocation(request: InvocationRequest): Invocation;
  /** Turn the finished process into a result; `request` is the one the invocation was built from. */
  parseOutcome(outcome: ProcessOutcome, request: InvocationRequest): AgentResult;
}
