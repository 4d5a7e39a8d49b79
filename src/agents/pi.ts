/**
 * Pi coding agent (`pi`): `pi -p --mode json <prompt>`, stdin /dev/null (with an open stdin pipe `-p` blocks reading
 * it). Prints JSONL events: `session` (id), `message_end` (assistant message with usage {input, output, cacheRead,
 * cacheWrite, cost.total} or errorMessage), `agent_end` (all messages).
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { asRecord, firstNum, firstStr, parseJsonLines, str, type JsonRecord } from './json.js';
import { argumentPrompt, commandFor } from './invocation.js';
import { STREAMING_CLI } from './liveness.js';
import { finishResult, type ParsedOutput } from './result.js';

function messageText(message: JsonRecord): string {
  const content = message['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(asRecord)
    .filter((block) => block?.['type'] === 'text')
    .map((block) => str(block?.['text']) ?? '')
    .join('');
}

function lastAssistant(messages: unknown): JsonRecord | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages
    .map(asRecord)
    .filter((m) => m?.['role'] === 'assistant')
    .pop();
}

function messageError(message: JsonRecord): string | undefined {
  const reason = str(message['stopReason']);
  return (
    firstStr(message['errorMessage']) ??
    (reason === 'error' || reason === 'aborted' ? `stopped: ${reason}` : undefined)
  );
}

function parsePi(outcome: ProcessOutcome): ParsedOutput | null {
  const events = parseJsonLines(outcome.stdout);
  if (events.length === 0) return null;
  const totals = { input: 0, output: 0, cost: 0, seen: false };
  let sessionId: string | undefined;
  let final: JsonRecord | undefined;
  for (const event of events) {
    if (event['type'] === 'session') sessionId = firstStr(event['id'], event['sessionId']) ?? sessionId;
    const message = asRecord(event['message']);
    if (event['type'] === 'message_end' && message?.['role'] === 'assistant') {
      final = message;
      const usage = asRecord(message['usage']);
      if (!usage) continue;
      totals.seen = true;
      totals.input +=
        (firstNum(usage['input']) ?? 0) +
        (firstNum(usage['cacheRead']) ?? 0) +
        (firstNum(usage['cacheWrite']) ?? 0);
      totals.output += firstNum(usage['output']) ?? 0;
      totals.cost += firstNum(usage['cost'], asRecord(usage['cost'])?.['total']) ?? 0;
    }
    if (event['type'] === 'agent_end') final = lastAssistant(event['messages']) ?? final;
  }
  const errorText = final ? messageError(final) : undefined;
  return {
    text: final ? messageText(final) : undefined,
    isError: errorText !== undefined,
    errorText,
    costUsd: totals.cost > 0 ? totals.cost : undefined,
    tokens: totals.seen ? { input: totals.input, output: totals.output } : undefined,
    sessionId,
  };
}

export const piInvoker: AgentInvoker = {
  id: 'pi',
  displayName: 'Pi',
  binaries: ['pi'],
  versionArgs: ['--version'],
  streamsEvents: true,
  buildInvocation(request) {
    const prompt = argumentPrompt(request);
    const argv = [
      commandFor(request.agent, 'pi'),
      '-p',
      '--mode',
      'json',
      ...request.agent.extra_args,
      prompt.arg,
    ];
    return { argv, promptDelivery: prompt.delivery, stdin: null, env: {}, files: prompt.files };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parsePi(outcome), STREAMING_CLI);
  },
};
