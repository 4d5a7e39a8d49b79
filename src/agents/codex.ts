/**
 * OpenAI Codex (`codex`): `codex exec --json … -`, prompt on stdin. Prints JSONL events: `thread.started`,
 * `item.completed` (agent_message text), `turn.completed` (usage), `turn.failed` / `error`. The last message is also
 * written to `--output-last-message`; reviews add `--output-schema` so that message is the verdict JSON.
 */
import { readFileSync } from 'node:fs';
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker, InvocationRequest } from './types.js';
import { asRecord, errorMessageOf, firstStr, num, parseJsonLines, str, type JsonRecord } from './json.js';
import { commandFor, promptFor, scratchFile } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';
import { VERDICT_JSON_SCHEMA } from './review.js';
import { STREAMING_CLI } from './liveness.js';

const LAST_MESSAGE_FILE = 'codex-last-message.txt';
const SCHEMA_FILE = 'verdict.schema.json';

function readLastMessage(request: InvocationRequest): string | undefined {
  try {
    const text = readFileSync(scratchFile(request, LAST_MESSAGE_FILE), 'utf8');
    return text.trim() === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

interface CodexState {
  sessionId?: string;
  messages: string[];
  input: number;
  output: number;
  sawUsage: boolean;
  turnFailed?: string;
  lastError?: string;
  turnCompleted: boolean;
}

function applyEvent(state: CodexState, event: JsonRecord): void {
  const item = asRecord(event['item']);
  switch (event['type']) {
    case 'thread.started':
      state.sessionId = str(event['thread_id']) ?? state.sessionId;
      return;
    case 'item.completed':
      if (item && (item['type'] === 'agent_message' || item['item_type'] === 'assistant_message')) {
        const text = str(item['text']);
        if (text !== undefined) state.messages.push(text);
      }
      return;
    case 'turn.completed': {
      const usage = asRecord(event['usage']);
      state.turnCompleted = true;
      state.input += num(usage?.['input_tokens']) ?? 0;
      state.output += num(usage?.['output_tokens']) ?? 0;
      state.sawUsage ||= usage !== undefined;
      return;
    }
    case 'turn.failed':
      state.turnFailed = errorMessageOf(event['error']) ?? 'turn failed';
      return;
    case 'error':
      state.lastError = firstStr(event['message']) ?? errorMessageOf(event['error']) ?? 'error';
      return;
  }
}

function parseCodex(outcome: ProcessOutcome, request: InvocationRequest): ParsedOutput | null {
  const events = parseJsonLines(outcome.stdout);
  if (events.length === 0) return null;
  const state: CodexState = { messages: [], input: 0, output: 0, sawUsage: false, turnCompleted: false };
  for (const event of events) applyEvent(state, event);
  // Codex reports reconnect attempts as `error` events; they only count when no turn completed afterwards.
  const errorText = state.turnFailed ?? (state.turnCompleted ? undefined : state.lastError);
  return {
    text: readLastMessage(request) ?? state.messages[state.messages.length - 1],
    isError: errorText !== undefined,
    errorText,
    tokens: state.sawUsage ? { input: state.input, output: state.output } : undefined,
    sessionId: state.sessionId,
  };
}

export const codexInvoker: AgentInvoker = {
  id: 'codex',
  displayName: 'OpenAI Codex',
  binaries: ['codex'],
  versionArgs: ['--version'],
  streamsEvents: true,
  buildInvocation(request) {
    const lastMessage = scratchFile(request, LAST_MESSAGE_FILE);
    // Written empty before the run, so a stale message from an earlier run in the same dir is never read.
    const files: Record<string, string> = { [lastMessage]: '' };
    const argv = [
      commandFor(request.agent, 'codex'),
      'exec',
      '--json',
      // The sandbox cannot write the worktree's git dir (it lives in the main repo), so commits would fail.
      '--dangerously-bypass-approvals-and-sandbox',
      '--skip-git-repo-check',
      '--output-last-message',
      lastMessage,
    ];
    if (request.role === 'review') {
      const schemaFile = scratchFile(request, SCHEMA_FILE);
      files[schemaFile] = `${JSON.stringify(VERDICT_JSON_SCHEMA, null, 2)}\n`;
      argv.push('--output-schema', schemaFile);
    }
    argv.push(...request.agent.extra_args, '-');
    return { argv, promptDelivery: 'stdin', stdin: promptFor(request), env: {}, files };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parseCodex(outcome, request), STREAMING_CLI);
  },
};
