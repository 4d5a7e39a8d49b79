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
  now: Date;
}

/** Cool-down when a rate-limited CLI did not say when the limit resets. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 60_000;

/** Backoff before retrying the same agent: base, 2x base, 4x base … capped at 30 s. */
export function retryDelayMs(failures: number, backoffMs: number): number {
  return Math.min(30_000, backoffMs * 2 ** Math.max(0, failures - 1));
}

/**
 * The retry/fallback policy, pure. Auth failures never retry the same agent; rate limits cool the agent down and
 * move on; everything else retries the same agent up to `maxRetries`, then follows the strategy.
 */
export function decide(facts: FailureFacts): Decision {
  const { errorClass, strategy, maxRetries, failuresWithAgent, now } = facts;
  if (strategy === 'fail') return { action: 'give_up', reason: `${errorClass} (fallback strategy "fail")` };
  if (errorClass === 'auth') {
    return strategy === 'same_agent'
      ? { action: 'give_up', reason: 'authentication failed and the strategy is "same_agent"' }
      : { action: 'fallback', disableAgent: true, cooldownUntil: null };
  }
  if (errorClass === 'rate_limit') {
    const reset = facts.rateLimitResetAt ?? new Date(now.getTime() + DEFAULT_RATE_LIMIT_COOLDOWN_MS);
    if (strategy === 'same_agent') {
      return failuresWithAgent > maxRetries
        ? { action: 'give_up', reason: `still rate limited after ${failuresWithAgent} attempts` }
        : { action: 'retry', delayMs: Math.max(0, reset.getTime() - now.getTime()) };
    }
    return { action: 'fallback', disableAgent: false, cooldownUntil: reset };
  }
  if (failuresWithAgent <= maxRetries)
    return { action: 'retry', delayMs: retryDelayMs(failuresWithAgent, facts.backoffMs) };
  return strategy === 'same_agent'
    ? { action: 'give_up', reason: `${errorClass} after ${failuresWithAgent} attempts` }
    : { action: 'fallback', disableAgent: false, cooldownUntil: null };
}
