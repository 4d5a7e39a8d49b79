/**
 * Shared failure classifier: maps how a CLI failed (how it stopped, its exit code, its error text) to an ErrorClass,
 * which decides retry, cool-down or fallback. Only failure text is classified: a successful answer that talks about
 * "rate limits" or "networks" is prose, never an error.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { ErrorClass } from './types.js';
import { parseResetTime } from './reset-time.js';

export interface Classification {
  errorClass: ErrorClass;
  /** ISO time the provider said the rate limit resets (rate_limit only). */
  rateLimitResetAt?: string;
}

const RATE_LIMIT: readonly RegExp[] = [
  /\b429\b/,
  /rate[ _-]?limit/i,
  /too many requests/i,
  // "quota" alone also appears in auth warnings ("without a quota project"): require a limit word near it.
  /\bquota\b[^\n]{0,40}?\b(?:exceeded|exhausted|reached|limit|reset)|\b(?:exceeded|exhausted|out of|insufficient)\b[^\n]{0,30}?\bquota\b|insufficient_quota/i,
  /exhausted (?:your )?capacity/i,
  /usage[ _-]?limit/i,
  /resource[ _]exhausted/i,
  /hit your (?:\w+ )?limit/i,
  /\blimit reached\b/i,
  /\boverloaded\b/i,
];

const AUTH: readonly RegExp[] = [
  /\b401\b/,
  /invalid[ _-]?(?:api[ _-]?)?key/i,
  /not authenticated/i,
  /unauthenticated/i,
  /unauthori[sz]ed/i,
  /no authentication information found/i,
  /missing [a-z_]*api_?key/i,
  /no api key found/i,
  /no auth provided/i,
  /authentication[ _](?:failed|error|required)/i,
  /not logged in/i,
  /please (?:run|use) [`'"]?\/?login/i,
  /set an auth method/i,
  /no auth type is selected|configure an auth type/i,
  /api key (?:is )?(?:not valid|expired|invalid)/i,
  /(?:oauth )?token (?:has )?expired/i,
];

const NETWORK: readonly RegExp[] = [
  /\bE(?:NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT|AI_AGAIN|HOSTUNREACH|NETUNREACH)\b/,
  /fetch failed/i,
  /\bnetwork\b/i,
  /socket hang up/i,
  /getaddrinfo/i,
  /connection (?:refused|reset|error|failed|closed)/i,
  /stream disconnected/i,
  /could not resolve host/i,
];

/**
 * The class named by an error text (rate_limit, auth or network), with the reset time for a rate limit; null when
 * the text names none. Rate limits are checked first: their messages often mention keys or plans too.
 */
export function classifyText(text: string, now: Date = new Date()): Classification | null {
  if (RATE_LIMIT.some((re) => re.test(text))) {
    const reset = parseResetTime(text, now);
    return reset
      ? { errorClass: 'rate_limit', rateLimitResetAt: reset.toISOString() }
      : { errorClass: 'rate_limit' };
  }
  if (AUTH.some((re) => re.test(text))) return { errorClass: 'auth' };
  if (NETWORK.some((re) => re.test(text))) return { errorClass: 'network' };
  return null;
}

/** The class for a run we stopped ourselves, or null when the process ended on its own. */
export function classifyStop(outcome: ProcessOutcome): ErrorClass | null {
  switch (outcome.stoppedBy) {
    case 'wall_timeout':
      return 'timeout';
    case 'inactivity_timeout':
      return 'stalled';
    // A cancelled run (user abort, run-wide deadline) ran out of time from the agent's point of view.
    case 'abort':
      return 'timeout';
    case null:
      return null;
  }
}

export interface ClassifyOptions {
  /** CLI-specific exit codes with a known meaning (e.g. Gemini exits 41 on auth failures). */
  exitCodes?: Readonly<Record<number, ErrorClass>>;
  now?: Date;
}

/**
 * Classify a failed run: our own stop first, then the error text, then a known exit code, else `crash`.
 * `errorText` is what the CLI reported (its error event, stderr, unparsed stdout), already chosen by the caller.
 */
export function classifyFailure(
  outcome: ProcessOutcome,
  errorText: string,
  options: ClassifyOptions = {},
): Classification {
  const stop = classifyStop(outcome);
  if (stop) return { errorClass: stop };
  const byText = classifyText(errorText, options.now);
  if (byText) return byText;
  const byCode = outcome.exitCode === null ? undefined : options.exitCodes?.[outcome.exitCode];
  return { errorClass: byCode ?? 'crash' };
}
