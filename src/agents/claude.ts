/**
 * Claude Code (`claude`): `claude -p --output-format json --dangerously-skip-permissions`, prompt on stdin. Prints one
 * result object (result, is_error, total_cost_usd, usage, session_id). Reviews add `--json-schema` with the verdict
 * schema; the validated answer then arrives as `structured_output`.
 */
import type { AgentInvoker } from './types.js';
import { parseJsonDocument } from './json.js';
import { commandFor, promptFor } from './invocation.js';
import { finishResult } from './result.js';
import { findResultObject, parseResultObject } from './result-object.js';
import { VERDICT_JSON_SCHEMA } from './review.js';

export const claudeInvoker: AgentInvoker = {
  id: 'claude-code',
  displayName: 'Claude Code',
  binaries: ['claude'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const argv = [
      commandFor(request.agent, 'claude'),
      '-p',
      '--output-format',
      'json',
      '--dangerously-skip-permissions',
    ];
    if (request.role === 'review') argv.push('--json-schema', JSON.stringify(VERDICT_JSON_SCHEMA));
    argv.push(...request.agent.extra_args);
    return {
      argv,
      promptDelivery: 'stdin',
      stdin: promptFor(request),
      // Claude refuses --dangerously-skip-permissions as root (CI runners, containers) unless told it is sandboxed.
      env: { IS_SANDBOX: '1' },
      files: {},
    };
  },
  parseOutcome(outcome, request) {
    const result = findResultObject(parseJsonDocument(outcome.stdout));
    return finishResult(outcome, request, result ? parseResultObject(result) : null);
  },
};
