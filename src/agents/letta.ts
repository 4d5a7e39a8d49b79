/**
 * Letta Code (`letta`): `letta -p <prompt> --output-format json --yolo`. Prints one result object
 * `{type: "result", result, agent_id, conversation_id, usage: {prompt_tokens, completion_tokens}}`; the session id
 * is the conversation id.
 */
import type { AgentInvoker } from './types.js';
import { lastJsonRecord } from './json.js';
import { argumentPrompt, commandFor } from './invocation.js';
import { finishResult } from './result.js';
import { parseResultObject } from './result-object.js';

export const lettaInvoker: AgentInvoker = {
  id: 'letta',
  displayName: 'Letta Code',
  binaries: ['letta'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const prompt = argumentPrompt(request);
    const argv = [
      commandFor(request.agent, 'letta'),
      '-p',
      prompt.arg,
      '--output-format',
      'json',
      '--yolo',
      ...request.agent.extra_args,
    ];
    return { argv, promptDelivery: prompt.delivery, stdin: null, env: {}, files: prompt.files };
  },
  parseOutcome(outcome, request) {
    const record = lastJsonRecord(outcome.stdout);
    return finishResult(outcome, request, record ? parseResultObject(record) : null);
  },
};
