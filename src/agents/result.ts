/**
 * The one place an invoker's parsed output becomes an AgentResult. Every invoker funnels through `finishResult`, so
 * the rules hold for all of them: success needs exit 0 and no error flag; our own stops are timeout/stalled;
 * unparseable output is invalid_output; and a review without a valid verdict is a failure, never an approval.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentResult, ErrorClass, InvocationRequest, TokenUsage } from './types.js';
import { classifyFailure, statedLines, type ClassifyOptions } from './classify.js';
import { extractVerdict, parseVerdictValue } from './review.js';

/** What an invoker read from its CLI's output, before the shared rules are applied. */
export interface ParsedOutput {
  /** The agent's final answer; undefined when the output held none. */
  text?: string | undefined;
  /** The CLI flagged an error itself (is_error, an error event, a failed turn). */
  isError?: boolean | undefined;
  /** The error message the CLI reported. */
  errorText?: string | undefined;
  costUsd?: number | undefined;
  tokens?: TokenUsage | undefined;
  sessionId?: string | undefined;
  commits?: string[] | undefined;
  /** A verdict from a structured-output feature (Claude `structured_output`, Codex last message). */
  verdictValue?: unknown;
  /** The CLI printed its complete result even if we had to stop it afterwards (Cursor hangs after finishing). */
  completed?: boolean | undefined;
}

export type FinishOptions = ClassifyOptions;

const SUMMARY_MAX = 2_000;
const ERROR_MAX = 500;

function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

const TELLING_LINE =
  /\b(?:error|fail(?:ed|ure)?|invalid|missing|denied|unauthori[sz]ed|refused|limit|quota|no \w+(?: \w+)? (?:found|provided))\b/i;

/** Two lines that say what went wrong: from the first line naming an error, else the first lines (a banner or a
 * stack trace's preamble rarely says more than its "Error: …" line). Help text is never one of them. */
function tellingLines(text: string): string {
  const lines = statedLines(text);
  const start = Math.max(
    0,
    lines.findIndex((line) => TELLING_LINE.test(line)),
  );
  return lines.slice(start, start + 2).join(' | ');
}

function extras(parsed: ParsedOutput | null): Partial<AgentResult> {
  const out: Partial<AgentResult> = {};
  if (!parsed) return out;
  if (parsed.costUsd !== undefined) out.costUsd = parsed.costUsd;
  if (parsed.tokens !== undefined) out.tokens = parsed.tokens;
  if (parsed.sessionId !== undefined) out.sessionId = parsed.sessionId;
  if (parsed.commits !== undefined) out.commits = parsed.commits;
  return out;
}

function stopDescription(outcome: ProcessOutcome): string {
  const seconds = Math.round(outcome.durationMs / 1000);
  switch (outcome.stoppedBy) {
    case 'wall_timeout':
      return `stopped after ${seconds}s: wall-clock timeout`;
    case 'inactivity_timeout':
      return `stopped after ${seconds}s: no output for too long`;
    case 'network_wait':
      return `stopped after ${seconds}s: no progress, only waiting for the network`;
    case 'abort':
      return `stopped after ${seconds}s: run cancelled`;
    case null:
      return '';
  }
}

function exitDescription(outcome: ProcessOutcome): string {
  if (outcome.signal) return `killed by ${outcome.signal}`;
  return `exited with code ${String(outcome.exitCode)}`;
}

function failure(
  outcome: ProcessOutcome,
  parsed: ParsedOutput | null,
  options: FinishOptions,
  fallbackClass?: ErrorClass,
): AgentResult {
  // The CLI's own error message is the best evidence; stdout only counts when it is not a parsed answer.
  const evidence = [parsed?.errorText ?? '', outcome.stderr, parsed?.errorText ? '' : outcome.stdout].join(
    '\n',
  );
  const classification = classifyFailure(outcome, evidence, options);
  const errorClass =
    fallbackClass && classification.errorClass === 'crash' && outcome.stoppedBy === null
      ? fallbackClass
      : classification.errorClass;
  // A streaming CLI stopped before its first event (opencode and kilo offline) said nothing worth quoting.
  const silent = errorClass === 'network' && outcome.stoppedBy !== null && !classification.line;
  const said =
    (silent ? 'no sign of work, no answer (is the provider reachable?)' : classification.line) ??
    parsed?.errorText ??
    (tellingLines(outcome.stderr) || tellingLines(outcome.stdout));
  const how = outcome.stoppedBy ? stopDescription(outcome) : exitDescription(outcome);
  const result: AgentResult = {
    ...extras(parsed),
    success: false,
    summary: clip(said ? `${how}: ${said}` : how, ERROR_MAX),
    errorClass,
  };
  if (classification.rateLimitResetAt) result.rateLimitResetAt = classification.rateLimitResetAt;
  return result;
}

/**
 * Apply the shared rules to a parsed output (`null`: the output could not be parsed at all).
 * For a review, the verdict comes from `verdictValue` when valid, else from the answer text.
 */
export function finishResult(
  outcome: ProcessOutcome,
  request: InvocationRequest,
  parsed: ParsedOutput | null,
  options: FinishOptions = {},
): AgentResult {
  const completed = parsed?.completed === true && parsed.isError !== true;
  if (outcome.stoppedBy !== null && !completed) return failure(outcome, parsed, options);
  const exitedBadly = outcome.stoppedBy === null && (outcome.exitCode !== 0 || outcome.signal !== null);
  if (exitedBadly || parsed?.isError === true) return failure(outcome, parsed, options);
  if (!parsed || parsed.text === undefined) {
    const failed = failure(outcome, parsed, options, 'invalid_output');
    return { ...failed, summary: clip(`unreadable output: ${failed.summary}`, ERROR_MAX) };
  }
  const result: AgentResult = { ...extras(parsed), success: true, summary: clip(parsed.text, SUMMARY_MAX) };
  if (request.role !== 'review') return result;
  const verdict = parseVerdictValue(parsed.verdictValue) ?? extractVerdict(parsed.text);
  if (!verdict) {
    return {
      ...result,
      success: false,
      errorClass: 'invalid_output',
      summary: clip(`review gave no valid verdict JSON: ${parsed.text || '(empty answer)'}`, ERROR_MAX),
    };
  }
  return { ...result, summary: clip(verdict.summary || parsed.text, SUMMARY_MAX), verdict };
}
