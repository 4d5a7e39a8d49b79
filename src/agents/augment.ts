/**
 * Augment Code (`auggie`): `auggie --print --output-format json`, prompt on stdin (it takes an argument too, but
 * stdin has no size limit). Print mode runs tools without prompting. The JSON shape is not documented upstream: it
 * is read as a result object (`result`/`response`/`output` text, `is_error`, `usage`, `session_id`), or failing
 * that the last JSON line.
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { lastJsonRecord } from './json.js';
import { commandFor, promptFor } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';
import { parseResultObject } from './result-object.js';

function parseAuggie(outcome: ProcessOutcome): ParsedOutput | null {
  const record = lastJsonRecord(outcome.stdout);
  return record ? parseResultObject(record) : null;
}

export const augmentInvoker: AgentInvoker = {
  id: 'augment',
  displayName: 'Augment Code (auggie)',
  binaries: ['auggie'],
  versionArgs: ['--version'],
  buildInvocation(request) {
    const argv = [
      commandFor(request.agent, 'auggie'),
      '--print',
      '--output-format',
      'json',
      ...request.agent.extra_args,
    ];
    return { argv, promptDelivery: 'stdin', stdin: promptFor(request), env: {}, files: {} };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parseAuggie(outcome));
  },
};
