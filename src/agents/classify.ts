/**
 * Shared failure classifier: maps how a CLI failed (how it stopped, its exit code, its error text) to an ErrorClass,
 * which decides retry, cool-down or fallback. Only failure text is classified: a successful answer that talks about
 * "rate limits" or "networks" is prose, never an error.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { ErrorClass } from './types.js';
import { waitedForNetwork } from './liveness.js';
import { parseResetTime } from './reset-time.js';

export interface Classification {
  errorClass: ErrorClass;
  /** ISO time the provider said the rate limit resets (rate_limit only). */
  rateLimitResetAt?: string;
  /** The line of the CLI's output that states the error: the one that decided the class, when one did. */
  line?: string;
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
 * How the CLIs reject flags or arguments they do not know (see ../shared/agent-transcripts/runs/*-badflag.*):
 * commander "unknown option", clap "unexpected argument", copilot "Invalid command format", yargs "Unknown
 * arguments:", pi/letta "Unknown option", opencode/kilo printing their `run [message..]` usage.
 */
const USAGE: readonly RegExp[] = [
  /unknown option/i,
  /unexpected argument/i,
  /invalid command format/i,
  /unknown arguments?:/i,
  /unrecognized (?:option|argument)/i,
  /missing required argument/i,
  /^\S+ run \[message\.\.\]$/,
];

/** A usage error is stated at the top, before any help text: only the first lines are read. */
const USAGE_LINES = 12;

/** Where a CLI's help text starts: its usage line or a section header. */
const HELP_START = /^\s*(?:usage|options|commands|positionals|arguments|flags):/i;
/** An option row of a help listing (`  -w, --worktree  Start Gemini in…`). */
const OPTION_ROW = /^\s+-{1,2}[\w-]/;

/**
 * The lines of an error text that are not help text. Help lists every option and its description ("capacity
 * errors (429/503/529)", "OpenAI API key to use for authentication"): read as an error it names the wrong class.
 */
export function statedLines(text: string): string[] {
  const lines = text.split('\n');
  const help = lines.findIndex((line) => HELP_START.test(line));
  return (help === -1 ? lines : lines.slice(0, help))
    .filter((line) => !OPTION_ROW.test(line))
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const firstMatch = (lines: readonly string[], patterns: readonly RegExp[]): string | undefined =>
  lines.find((line) => patterns.some((re) => re.test(line)));

/** The line rejecting the CLI's flags or arguments, or null when the text shows no usage error. */
export function usageError(text: string): string | null {
  return firstMatch(statedLines(text).slice(0, USAGE_LINES), USAGE) ?? null;
}

/** Text classes in the order they are tried: rate limits first, their messages often mention keys or plans. */
const TEXT_CLASSES: readonly [ErrorClass, readonly RegExp[]][] = [
  ['rate_limit', RATE_LIMIT],
  ['auth', AUTH],
  ['network', NETWORK],
];

/**
 * The class named by an error text (rate_limit, auth or network) and the line that names it, with the reset time
 * for a rate limit; null when the text names none. Help text is left out (see statedLines).
 */
export function classifyText(text: string, now: Date = new Date()): Classification | null {
  const lines = statedLines(text);
  for (const [errorClass, patterns] of TEXT_CLASSES) {
    const line = firstMatch(lines, patterns);
    if (line === undefined) continue;
    if (errorClass !== 'rate_limit') return { errorClass, line };
    const reset = parseResetTime(lines.join('\n'), now);
    return reset ? { errorClass, line, rateLimitResetAt: reset.toISOString() } : { errorClass, line };
  }
  return null;
}

/** The class for a run we stopped ourselves, or null when the process ended on its own. */
export function classifyStop(outcome: ProcessOutcome): ErrorClass | null {
  switch (outcome.stoppedBy) {
    case 'wall_timeout':
      return 'timeout';
    case 'inactivity_timeout':
      return 'stalled';
    case 'network_wait':
      return 'network';
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
  /** The CLI streams events as it works: a stopped run that printed none waited for its provider. */
  silenceIsWaiting?: boolean;
  now?: Date;
}

/** A run we stopped: `network` when it only waited for its provider, else the stop's own class. */
function classifyStopped(outcome: ProcessOutcome, options: ClassifyOptions): Classification | null {
  const stop = classifyStop(outcome);
  if (!stop) return null;
  if (outcome.stoppedBy === 'abort') return { errorClass: stop };
  const waited = waitedForNetwork(outcome, options.silenceIsWaiting === true);
  if (!waited) return { errorClass: stop };
  return waited.lastWaiting === null
    ? { errorClass: 'network' }
    : { errorClass: 'network', line: waited.lastWaiting };
}

/**
 * Classify a failed run, in a fixed order: our own stop (network when the agent only waited for its provider),
 * then a usage error (flags or arguments rejected), then the error text (rate_limit, auth, network), then a known
 * exit code, else `crash`. `errorText` is what the CLI reported (its error event, stderr, unparsed stdout), already
 * chosen by the caller.
 */
export function classifyFailure(
  outcome: ProcessOutcome,
  errorText: string,
  options: ClassifyOptions = {},
): Classification {
  const stopped = classifyStopped(outcome, options);
  if (stopped) return stopped;
  const usage = outcome.exitCode !== 0 ? usageError(errorText) : null;
  if (usage !== null) return { errorClass: 'usage', line: usage };
  const byText = classifyText(errorText, options.now);
  if (byText) return byText;
  const byCode = outcome.exitCode === null ? undefined : options.exitCodes?.[outcome.exitCode];
  return { errorClass: byCode ?? 'crash' };
}
