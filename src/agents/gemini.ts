/**
 * Gemini CLI (`gemini`): `gemini --output-format json --approval-mode yolo --skip-trust`, prompt on stdin. Prints one
 * object `{response, stats: {models: {<name>: {tokens}}}, error?}`; on failure the same object may go to stderr.
 * Without `--skip-trust` an untrusted folder exits 55; exit 41 is an authentication failure.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker, ErrorClass, TokenUsage } from './types.js';
import { asRecord, errorMessageOf, firstNum, firstStr, parseJsonDocument, type JsonRecord } from './json.js';
import { commandFor, promptFor } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';

/** Gemini's fatal exit codes with a known meaning (41: FatalAuthenticationError). */
export const GEMINI_EXIT_CODES: Readonly<Record<number, ErrorClass>> = { 41: 'auth' };

/** Token totals over every model in `stats.models`; thoughts are billed as output. */
function statsTokens(stats: unknown): TokenUsage | undefined {
  const models = asRecord(asRecord(stats)?.['models']);
  if (!models) return undefined;
  let input = 0;
  let output = 0;
  let seen = false;
  for (const model of Object.values(models)) {
    const tokens = asRecord(asRecord(model)?.['tokens']);
    if (!tokens) continue;
    seen = true;
    input += firstNum(tokens['prompt'], tokens['input']) ?? 0;
    output += (firstNum(tokens['candidates'], tokens['output']) ?? 0) + (firstNum(tokens['thoughts']) ?? 0);
  }
  return seen ? { input, output } : undefined;
}

/** A Gemini-style `{response, stats, error}` object as a ParsedOutput. */
export function parseGeminiObject(record: JsonRecord): ParsedOutput {
  const error = record['error'];
  const errorText = error === undefined || error === null ? undefined : (errorMessageOf(error) ?? 'error');
  return {
    text: firstStr(record['response']) ?? (errorText === undefined ? '' : undefined),
    isError: errorText !== undefined,
    errorText,
    tokens: statsTokens(record['stats']),
    sessionId: firstStr(record['session_id'], record['sessionId']),
  };
}

function parseGemini(outcome: ProcessOutcome): ParsedOutput | null {
  const record = asRecord(parseJsonDocument(outcome.stdout)) ?? asRecord(parseJsonDocument(outcome.stderr));
  if (!record || !('response' in record || 'error' in record || 'stats' in record)) return null;
  return parseGeminiObject(record);
}

export const geminiInvoker: AgentInvoker = {
  id: 'gemini',
  displayName: 'Gemini CLI',
  binaries: ['gemini'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const argv = [
      commandFor(request.agent, 'gemini'),
      '--output-format',
      'json',
      '--approval-mode',
      'yolo',
      '--skip-trust',
      ...request.agent.extra_args,
    ];
    return { argv, promptDelivery: 'stdin', stdin: promptFor(request), env: {}, files: {} };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parseGemini(outcome), { exitCodes: GEMINI_EXIT_CODES });
  },
};
