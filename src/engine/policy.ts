import type { ErrorClass } from '../agents/types.js';
import type { FallbackStrategy } from '../config/schema.js';

/** What to do after a failed attempt. */
export type Decision =
  | { action: 'retry'; delayMs: number }
  | { action: 'fallback'; disableAgent: boolean; cooldownUntil: Date | null }
  | { action: 'give_up'; reason: string };

export interface FailureFacts {
  errorClass: ErrorClass;
  strategy: FallbackStrategy;
  maxRetries: number;
  /** First retry delay; doubles per further failure. */
  backoffMs: number;
  /** Failed attempts with this agent for this WP and role so far, including this one. */
  failuresWithAgent: number;
  /** When the provider said its rate limit resets. */
  rateLimitResetAt: Date | null;
  /** The agent's failures in a row across the run, including this one (the network cool-down backs off on it). */
  agentFailuresInRow: number;
  now: Date;
}

/** Cool-down when a rate-limited CLI did not say when the limit resets. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 60_000;

/** First cool-down of an agent that could not reach its provider; it doubles per failure in a row. */
export const NETWORK_COOLDOWN_MS = 60_000;
const NETWORK_COOLDOWN_MAX_MS = 15 * 60_000;

/** How long an offline agent rests: 1, 2, 4 … minutes by its failures in a row, at most 15. */
export function networkCooldownMs(failuresInRow: number): number {
  return Math.min(NETWORK_COOLDOWN_MAX_MS, NETWORK_COOLDOWN_MS * 2 ** Math.max(0, failuresInRow - 1));
}

/** Backoff before retrying the same agent: base, 2x base, 4x base … capped at 30 s. */
export function retryDelayMs(failures: number, backoffMs: number): number {
  return Math.min(30_000, backoffMs * 2 ** Math.max(0, failures - 1));
}

/** What no retry can fix: the agent is switched off for the run (auth, usage). */
const SWITCH_OFF: Partial<Record<ErrorClass, string>> = {
  auth: 'authentication failed',
  usage: 'the CLI rejected its arguments',
};

/** When an agent that must wait (rate limit, offline) may be tried again. */
function restUntil(facts: FailureFacts): Date | null {
  const now = facts.now.getTime();
  if (facts.errorClass === 'rate_limit')
    return facts.rateLimitResetAt ?? new Date(now + DEFAULT_RATE_LIMIT_COOLDOWN_MS);
  if (facts.errorClass === 'network') return new Date(now + networkCooldownMs(facts.agentFailuresInRow));
  return null;
}

/**
 * The retry/fallback policy, pure. Auth and usage failures never retry the same agent and switch it off; rate
 * limits and network failures cool the agent down (network with backoff) and move on; everything else retries
 * the same agent up to `maxRetries`, then follows the strategy.
 */
export function decide(facts: FailureFacts): Decision {
  const { errorClass, strategy, maxRetries, failuresWithAgent, now } = facts;
  if (strategy === 'fail') return { action: 'give_up', reason: `${errorClass} (fallback strategy "fail")` };
  const switchOff = SWITCH_OFF[errorClass];
  if (switchOff) {
    return strategy === 'same_agent'
      ? { action: 'give_up', reason: `${switchOff} and the strategy is "same_agent"` }
      : { action: 'fallback', disableAgent: true, cooldownUntil: null };
  }
  const rest = restUntil(facts);
  if (rest) {
    if (strategy === 'same_agent') {
      return failuresWithAgent > maxRetries
        ? { action: 'give_up', reason: `still ${errorClass} after ${failuresWithAgent} attempts` }
        : { action: 'retry', delayMs: Math.max(0, rest.getTime() - now.getTime()) };
    }
    return { action: 'fallback', disableAgent: false, cooldownUntil: rest };
  }
  if (failuresWithAgent <= maxRetries)
    return { action: 'retry', delayMs: retryDelayMs(failuresWithAgent, facts.backoffMs) };
  return strategy === 'same_agent'
    ? { action: 'give_up', reason: `${errorClass} after ${failuresWithAgent} attempts` }
    : { action: 'fallback', disableAgent: false, cooldownUntil: null };
}
