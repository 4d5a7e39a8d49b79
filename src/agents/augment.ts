/**
 * Augment Code (`auggie`): `auggie --print --output-format json`, prompt on stdin (it takes an argument too, but
 * stdin has no size limit). Print mode runs tools without prompting. The JSON shape is not documented upstream: it
 * is read as a result object (`result`/`response`/`output` text, `is_error`, `usage`, `session_id`), or failing
 * that the last JSON line; cost from `billing.total_cost` when `billing.usage_unit` is dollars (other units, such
 * as credits, are not dollars and are left out).
 */
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { asRecord, lastJsonRecord, num, str } from './json.js';
import { commandFor, promptFor } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';
import { parseResultObject } from './result-object.js';

/** Auggie reports cost as `billing: {usage_unit, total_cost}`; only a dollar amount is a cost in USD. */
function billingUsd(billing: unknown): number | undefined {
  const record = asRecord(billing);
  const unit = str(record?.['usage_unit'])?.trim().toLowerCase();
  return unit !== undefined && DOLLAR_UNITS.has(unit) ? num(record?.['total_cost']) : undefined;
}

const DOLLAR_UNITS: ReadonlySet<string> = new Set(['usd', 'dollar', 'dollars', '$']);

function parseAuggie(outcome: ProcessOutcome): ParsedOutput | null {
  const record = lastJsonRecord(outcome.stdout);
  if (!record) return null;
  const parsed = parseResultObject(record);
  return { ...parsed, costUsd: parsed.costUsd ?? billingUsd(record['billing']) };
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
