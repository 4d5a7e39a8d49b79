/**
 * The "result object" several CLIs print at the end of a headless run, modelled on Claude Code's
 * `{type: "result", subtype, is_error, result, total_cost_usd, usage, session_id}`. Qwen (a JSON array of messages
 * ending with one), Cursor and Letta use the same shape with small differences in the usage and id keys.
 */
import type { TokenUsage } from './types.js';
import type { ParsedOutput } from './result.js';
import { asRecord, errorMessageOf, firstNum, firstStr, str, type JsonRecord } from './json.js';

/**
 * Token counts from a usage object in any of the spellings the CLIs use. Anthropic-style usage reports cache reads
 * and writes apart from `input_tokens`; they are billed input too, so they are added in.
 */
export function usageTokens(value: unknown): TokenUsage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const input = firstNum(usage['input_tokens'], usage['inputTokens'], usage['prompt_tokens'], usage['input']);
  const output = firstNum(
    usage['output_tokens'],
    usage['outputTokens'],
    usage['completion_tokens'],
    usage['output'],
  );
  if (input === undefined && output === undefined) return undefined;
  const cached =
    (firstNum(usage['cache_read_input_tokens']) ?? 0) + (firstNum(usage['cache_creation_input_tokens']) ?? 0);
  return { input: (input ?? 0) + cached, output: output ?? 0 };
}

/** The last `type: "result"` object in a parsed document: the object itself, or the last one in an array. */
export function findResultObject(document: unknown): JsonRecord | undefined {
  if (Array.isArray(document)) {
    for (let i = document.length - 1; i >= 0; i--) {
      const record = asRecord(document[i]);
      if (record?.['type'] === 'result') return record;
    }
    return undefined;
  }
  const record = asRecord(document);
  if (!record) return undefined;
  return record['type'] === 'result' || 'result' in record || 'is_error' in record ? record : undefined;
}

/** True when the result object says the run failed. */
function resultIsError(result: JsonRecord): boolean {
  const subtype = str(result['subtype']);
  return (
    result['is_error'] === true ||
    result['success'] === false ||
    (subtype !== undefined && subtype.startsWith('error')) ||
    errorMessageOf(result['error']) !== undefined
  );
}

/** A result object as a ParsedOutput; text is the `result` string (empty when the CLI gave none). */
export function parseResultObject(result: JsonRecord): ParsedOutput {
  const isError = resultIsError(result);
  const text = firstStr(result['result'], result['response'], result['output'], result['text']) ?? '';
  const errors = Array.isArray(result['errors']) ? result['errors'].map(errorMessageOf).filter(Boolean) : [];
  const errorText = isError
    ? (errorMessageOf(result['error']) ??
      (errors.length > 0 ? errors.join('; ') : undefined) ??
      (text || str(result['subtype'])))
    : undefined;
  return {
    text,
    isError,
    errorText,
    costUsd: firstNum(result['total_cost_usd'], result['cost_usd']),
    tokens: usageTokens(result['usage']),
    sessionId: firstStr(
      result['session_id'],
      result['sessionId'],
      result['conversation_id'],
      result['agent_id'],
    ),
    verdictValue: result['structured_output'] ?? undefined,
  };
}
