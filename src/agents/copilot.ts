/**
 * GitHub Copilot CLI (`copilot`): `copilot -p <prompt> --output-format json --allow-all-tools --no-auto-update`.
 * Prints JSONL events: `assistant.message` (data.content, data.outputTokens), `session.error` / error events, and a
 * final `result` (sessionId, exitCode, usage). The event schema is not documented upstream; it is read defensively.
 * Only output tokens are reported: input tokens and cost live in a usage event the JSON output leaves out, so
 * input is always 0 and there is no cost (docs/agents.md says so).
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { asRecord, errorMessageOf, firstStr, num, parseJsonLines, str } from './json.js';
import { argumentPrompt, commandFor } from './invocation.js';
import { STREAMING_CLI } from './liveness.js';
import { finishResult, type ParsedOutput } from './result.js';

function parseCopilot(outcome: ProcessOutcome): ParsedOutput | null {
  const events = parseJsonLines(outcome.stdout);
  if (events.length === 0) return null;
  let text: string | undefined;
  let errorText: string | undefined;
  let sessionId: string | undefined;
  let output = 0;
  for (const event of events) {
    const type = str(event['type']) ?? '';
    const data = asRecord(event['data']);
    if (type === 'assistant.message') {
      const content = firstStr(data?.['content']);
      if (content !== undefined) text = content;
      output += num(data?.['outputTokens']) ?? 0;
    } else if (type === 'result') {
      sessionId = firstStr(event['sessionId'], event['session_id']) ?? sessionId;
      const code = num(event['exitCode']);
      if (event['error'] !== undefined || (code !== undefined && code !== 0)) {
        errorText =
          errorMessageOf(event['error']) ?? errorText ?? `copilot reported exit code ${String(code)}`;
      }
    } else if (type.includes('error')) {
      errorText = errorMessageOf(data) ?? errorMessageOf(event['error']) ?? type;
    }
  }
  return {
    text,
    isError: errorText !== undefined,
    errorText,
    tokens: output > 0 ? { input: 0, output } : undefined,
    sessionId,
  };
}

export const copilotInvoker: AgentInvoker = {
  id: 'copilot',
  displayName: 'GitHub Copilot CLI',
  binaries: ['copilot'],
  versionArgs: ['--version'],
  streamsEvents: true,
  buildInvocation(request) {
    const prompt = argumentPrompt(request);
    const argv = [
      commandFor(request.agent, 'copilot'),
      '-p',
      prompt.arg,
      '--output-format',
      'json',
      '--allow-all-tools',
      // An update check mid-run can prompt or stall; the runner's installed version is the one we verified.
      '--no-auto-update',
      ...request.agent.extra_args,
    ];
    return { argv, promptDelivery: prompt.delivery, stdin: null, env: {}, files: prompt.files };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parseCopilot(outcome), STREAMING_CLI);
  },
};
