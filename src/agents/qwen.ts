/**
 * Qwen Code (`qwen`): `qwen --output-format json --approval-mode yolo`, prompt on stdin (the one-shot `-p` is
 * deprecated). Current releases print a JSON array of messages ending with a Claude-style result object
 * (`subtype: "success" | "error_during_execution"`); older ones printed Gemini's `{response, stats, error}`. Both
 * are read.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { asRecord, parseJsonDocument } from './json.js';
import { commandFor, promptFor } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';
import { findResultObject, parseResultObject } from './result-object.js';
import { GEMINI_EXIT_CODES, parseGeminiObject } from './gemini.js';

function parseDocument(document: unknown): ParsedOutput | null {
  if (document === undefined) return null;
  const record = asRecord(document);
  if (record && ('response' in record || 'stats' in record)) return parseGeminiObject(record);
  const result = findResultObject(document);
  return result ? parseResultObject(result) : null;
}

function parseQwen(outcome: ProcessOutcome): ParsedOutput | null {
  return parseDocument(parseJsonDocument(outcome.stdout)) ?? parseDocument(parseJsonDocument(outcome.stderr));
}

export const qwenInvoker: AgentInvoker = {
  id: 'qwen',
  displayName: 'Qwen Code',
  binaries: ['qwen'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const argv = [
      commandFor(request.agent, 'qwen'),
      '--output-format',
      'json',
      '--approval-mode',
      'yolo',
      ...request.agent.extra_args,
    ];
    return { argv, promptDelivery: 'stdin', stdin: promptFor(request), env: {}, files: {} };
  },
  parseOutcome(outcome, request) {
    // Qwen forked Gemini CLI and kept its fatal exit codes.
    return finishResult(outcome, request, parseQwen(outcome), { exitCodes: GEMINI_EXIT_CODES });
  },
};
