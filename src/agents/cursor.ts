/**
 * Cursor Agent (`cursor-agent`, newer installs `agent`; not on npm): `cursor-agent -p --output-format json --force
 * <prompt>`. Prints one Claude-style result object. Cursor is known to hang after finishing, so the invocation
 * carries a hard wall-clock limit, and a result printed before we had to kill it still counts.
 */
import type { AgentInvoker } from './types.js';
import { lastJsonRecord, num } from './json.js';
import { argumentPrompt, commandFor } from './invocation.js';
import { finishResult } from './result.js';
import { parseResultObject } from './result-object.js';

/** Default hard limit; `options.hard_timeout_seconds` overrides it, and the agent's own timeout caps it. */
export const CURSOR_HARD_TIMEOUT_SECONDS = 900;

export const cursorInvoker: AgentInvoker = {
  id: 'cursor',
  displayName: 'Cursor Agent',
  binaries: ['cursor-agent', 'agent'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const prompt = argumentPrompt(request);
    const argv = [
      commandFor(request.agent, 'cursor-agent'),
      '-p',
      '--output-format',
      'json',
      '--force',
      ...request.agent.extra_args,
      prompt.arg,
    ];
    const hard = num(request.agent.options['hard_timeout_seconds']) ?? CURSOR_HARD_TIMEOUT_SECONDS;
    return {
      argv,
      promptDelivery: prompt.delivery,
      stdin: null,
      env: {},
      files: prompt.files,
      hardTimeoutSeconds: Math.max(1, Math.min(request.agent.timeout_seconds, hard)),
    };
  },
  parseOutcome(outcome, request) {
    const record = lastJsonRecord(outcome.stdout);
    if (!record) return finishResult(outcome, request, null);
    const parsed = parseResultObject(record);
    return finishResult(outcome, request, { ...parsed, completed: record['type'] === 'result' });
  },
};
