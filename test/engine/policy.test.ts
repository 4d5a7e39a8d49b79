import { describe, expect, it } from 'vitest';
import { decide, networkCooldownMs, type FailureFacts } from '../../src/engine/policy.js';

const now = new Date('2026-12-03T10:00:00.000Z');
const facts = (more: Partial<FailureFacts>): FailureFacts => ({
  errorClass: 'crash',
  strategy: 'next_in_list',
  maxRetries: 2,
  backoffMs: 1000,
  failuresWithAgent: 1,
  rateLimitResetAt: null,
  agentFailuresInRow: 1,
  now,
  ...more,
});

describe('decide', () => {
  it('a usage error switches the agent off at once: no retry, no cool-down', () => {
    expect(decide(facts({ errorClass: 'usage' }))).toEqual({
      action: 'fallback',
      disableAgent: true,
      cooldownUntil: null,
    });
    expect(decide(facts({ errorClass: 'usage', strategy: 'same_agent' }))).toMatchObject({
      action: 'give_up',
      reason: expect.stringContaining('rejected its arguments'),
    });
  });

  it('a network failure cools the agent down with backoff by its failures in a row, capped', () => {
    const at = (n: number) => decide(facts({ errorClass: 'network', agentFailuresInRow: n }));
    expect(at(1)).toEqual({
      action: 'fallback',
      disableAgent: false,
      cooldownUntil: new Date(now.getTime() + 60_000),
    });
    expect(at(3)).toMatchObject({ cooldownUntil: new Date(now.getTime() + 240_000) });
    expect(networkCooldownMs(30)).toBe(15 * 60_000);
  });

  it('with same_agent, a network failure waits out the cool-down before retrying', () => {
    expect(decide(facts({ errorClass: 'network', strategy: 'same_agent' }))).toEqual({
      action: 'retry',
      delayMs: 60_000,
    });
  });
});
