/**
 * OpenCode (`opencode`): `opencode run --format json --auto <prompt>`. Prints JSONL events, each with `type`,
 * `sessionID` and a `part`: `text` (part.text), `step_finish` (part.tokens, part.cost), `tool_use`, `error`.
 * Kilo Code's CLI is an OpenCode fork with the same interface; `opencodeStyleInvoker` serves both.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import {
  asRecord,
  errorMessageOf,
  firstNum,
  firstStr,
  parseJsonLines,
  str,
  type JsonRecord,
} from './json.js';
import { argumentPrompt, commandFor } from './invocation.js';
import { STREAMING_CLI } from './liveness.js';
import { finishResult, type ParsedOutput } from './result.js';

interface TextPart {
  messageId: string | undefined;
  text: string;
}

function addStepUsage(
  totals: { input: number; output: number; cost: number; seen: boolean },
  part: JsonRecord,
): void {
  const tokens = asRecord(part['tokens']);
  const cache = asRecord(tokens?.['cache']);
  totals.cost += firstNum(part['cost']) ?? 0;
  if (!tokens) return;
  totals.seen = true;
  totals.input +=
    (firstNum(tokens['input']) ?? 0) + (firstNum(cache?.['read']) ?? 0) + (firstNum(cache?.['write']) ?? 0);
  totals.output += (firstNum(tokens['output']) ?? 0) + (firstNum(tokens['reasoning']) ?? 0);
}

/** The final answer: every text part of the message that produced the last one. */
function finalText(parts: TextPart[]): string | undefined {
  const last = parts[parts.length - 1];
  if (!last) return undefined;
  return parts
    .filter((part) => part.messageId === last.messageId)
    .map((part) => part.text)
    .join('\n\n');
}

/** Parse OpenCode-style JSON events (also Kilo's). */
export function parseOpencodeEvents(outcome: ProcessOutcome): ParsedOutput | null {
  const events = parseJsonLines(outcome.stdout);
  if (events.length === 0) return null;
  const texts: TextPart[] = [];
  const totals = { input: 0, output: 0, cost: 0, seen: false };
  let errorText: string | undefined;
  let sessionId: string | undefined;
  for (const event of events) {
    const part = asRecord(event['part']) ?? {};
    sessionId = firstStr(event['sessionID'], part['sessionID']) ?? sessionId;
    const type = str(event['type']);
    if (type === 'text') {
      const text = str(part['text']);
      if (text !== undefined) texts.push({ messageId: str(part['messageID']), text });
    } else if (type === 'step_finish') {
      addStepUsage(totals, part);
    } else if (type === 'error' || type === 'session.error') {
      errorText =
        errorMessageOf(event['error']) ?? errorMessageOf(asRecord(event['properties'])?.['error']) ?? 'error';
    }
  }
  return {
    text: finalText(texts) ?? (errorText === undefined ? '' : undefined),
    isError: errorText !== undefined,
    errorText,
    costUsd: totals.cost > 0 ? totals.cost : undefined,
    tokens: totals.seen ? { input: totals.input, output: totals.output } : undefined,
    sessionId,
  };
}

/** An invoker for an OpenCode-style CLI (`<bin> run --format json --auto <prompt>`). */
export function opencodeStyleInvoker(identity: {
  id: string;
  displayName: string;
  binaries: readonly [string, ...string[]];
}): AgentInvoker {
  return {
    ...identity,
    versionArgs: ['--version'],
    streamsEvents: true,
    buildInvocation(request) {
      const prompt = argumentPrompt(request);
      const argv = [
        commandFor(request.agent, identity.binaries[0]),
        'run',
        '--format',
        'json',
        '--auto',
        // Options before the prompt: `run [message..]` would take stray words as part of the message.
        ...request.agent.extra_args,
        prompt.arg,
      ];
      return { argv, promptDelivery: prompt.delivery, stdin: null, env: {}, files: prompt.files };
    },
    parseOutcome(outcome, request) {
      return finishResult(outcome, request, parseOpencodeEvents(outcome), STREAMING_CLI);
    },
  };
}

export const opencodeInvoker: AgentInvoker = opencodeStyleInvoker({
  id: 'opencode',
  displayName: 'OpenCode',
  binaries: ['opencode'],
});
