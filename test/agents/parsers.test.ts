// Each CLI's real output formats (samples/) through its invoker's parseOutcome.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getInvoker } from '../../src/agents/registry.js';
import type { AgentResult } from '../../src/agents/types.js';
import type { ProcessOutcome } from '../../src/executor/types.js';
import { APPROVED_ANSWER, outcome, request, sample } from './helpers.js';

const parse = (
  id: string,
  o: Partial<ProcessOutcome>,
  role: 'implementation' | 'review' = 'implementation',
): AgentResult => getInvoker(id).parseOutcome(outcome(o), request(role));

describe('claude-code', () => {
  it('reads result, cost, tokens (cache included) and session', () => {
    expect(parse('claude-code', { stdout: sample('claude-success.json') })).toEqual({
      success: true,
      summary: 'Implemented WP01: added src/cart.ts with tests and committed them.',
      costUsd: 0.4213,
      tokens: { input: 1520 + 20110 + 180233, output: 4120 },
      sessionId: '4b1c9e1e-8d1f-4a43-9a57-0c6a2f3d7e11',
    });
  });

  it('takes a review verdict from structured_output', () => {
    const result = parse('claude-code', { stdout: sample('claude-review-structured.json') }, 'review');
    expect(result.success).toBe(true);
    expect(result.verdict).toEqual({
      verdict: 'changes_requested',
      summary: 'Totals ignore discounts.',
      findings: [
        { location: 'src/cart.ts:42', message: 'apply the discount before tax' },
        { message: 'add a test for empty carts' },
      ],
    });
  });

  it('classifies is_error results: auth, and a usage limit with its reset time', () => {
    expect(parse('claude-code', { exitCode: 1, stdout: sample('claude-auth.json') })).toMatchObject({
      success: false,
      errorClass: 'auth',
      summary: 'exited with code 1: Invalid API key · Please run /login',
    });
    const limited = parse('claude-code', { exitCode: 1, stdout: sample('claude-usage-limit.json') });
    expect(limited.errorClass).toBe('rate_limit');
    expect(limited.rateLimitResetAt).toMatch(/T15:00:00\.000Z$/);
  });

  it('reads the real signed-out result of claude 2.1.332', () => {
    const result = parse('claude-code', { exitCode: 1, stdout: sample('claude-real-not-logged-in.json') });
    expect(result).toMatchObject({ success: false, errorClass: 'auth', costUsd: 0 });
    expect(result.summary).toContain('Not logged in');
  });

  it('an is_error result is a failure even with exit 0', () => {
    expect(parse('claude-code', { stdout: sample('claude-auth.json') })).toMatchObject({
      success: false,
      errorClass: 'auth',
    });
  });
});

describe('codex', () => {
  it('reads the last agent message, summed usage and the thread id; reconnect notices are not errors', () => {
    expect(parse('codex', { stdout: sample('codex-success.jsonl') })).toEqual({
      success: true,
      summary: 'Added the cart module with tests and committed it.',
      tokens: { input: 24763, output: 122 },
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53',
    });
  });

  it('reads a schema-shaped verdict message, preferring the last-message file', async () => {
    expect(parse('codex', { stdout: sample('codex-review.jsonl') }, 'review').verdict?.verdict).toBe(
      'approved',
    );
    const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'kitty-codex-'));
    try {
      const changes =
        '{"verdict":"changes_requested","summary":"missing tests","findings":[{"location":null,"message":"add tests"}]}';
      await writeFile(path.join(scratchDir, 'codex-last-message.txt'), changes);
      const result = getInvoker('codex').parseOutcome(
        outcome({ stdout: sample('codex-review.jsonl') }),
        request('review', { scratchDir }),
      );
      expect(result.verdict).toEqual({
        verdict: 'changes_requested',
        summary: 'missing tests',
        findings: [{ message: 'add tests' }],
      });
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  });

  it('classifies failed turns: usage limit with reset, 401', () => {
    const before = Date.now();
    const limited = parse('codex', { exitCode: 1, stdout: sample('codex-usage-limit.jsonl') });
    expect(limited.errorClass).toBe('rate_limit');
    expect(Date.parse(limited.rateLimitResetAt ?? '') - before).toBeGreaterThanOrEqual((2 * 60 + 5) * 60_000);
    expect(parse('codex', { exitCode: 1, stdout: sample('codex-unauthorized.jsonl') }).errorClass).toBe(
      'auth',
    );
  });

  it('the real offline run (reconnect notices until killed) is a network failure, not a timeout', () => {
    const killed = { exitCode: null, signal: 'SIGKILL' as const, stoppedBy: 'wall_timeout' as const };
    const result = parse('codex', { ...killed, stdout: sample('codex-real-offline.jsonl') });
    expect(result).toMatchObject({
      success: false,
      errorClass: 'network',
      sessionId: '01a21487-dee4-7260-9aff-393c1278bbcd',
    });
    // Had it given up on its own, the reconnect errors would make it a network failure.
    expect(parse('codex', { exitCode: 1, stdout: sample('codex-real-offline.jsonl') }).errorClass).toBe(
      'network',
    );
  });

  it('a run that hangs after thread.started and is killed for silence never started: network', () => {
    const result = parse('codex', {
      exitCode: null,
      signal: 'SIGKILL',
      stoppedBy: 'inactivity_timeout',
      stdout: sample('codex-hang.jsonl'),
    });
    expect(result).toMatchObject({
      success: false,
      errorClass: 'network',
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a57',
    });
  });
});

describe('copilot', () => {
  // Input tokens and cost are in a usage event copilot's JSON output drops: input is always 0, never guessed.
  it('reads the last non-empty assistant message, output tokens only, and session', () => {
    expect(parse('copilot', { stdout: sample('copilot-success.jsonl') })).toEqual({
      success: true,
      summary: 'Implemented WP01 and committed the change.',
      tokens: { input: 0, output: 125 },
      sessionId: '9c0e7f3a-2b1d-4e5f-8a9b-0c1d2e3f4a5b',
    });
  });

  it('classifies a session.error rate limit with its reset, and the no-auth message', () => {
    const limited = parse('copilot', { exitCode: 1, stdout: sample('copilot-rate-limit.jsonl') });
    expect(limited).toMatchObject({ success: false, errorClass: 'rate_limit' });
    expect(limited.rateLimitResetAt).toBeDefined();
    const noAuth = parse('copilot', { exitCode: 1, stderr: sample('copilot-real-auth.stderr') });
    expect(noAuth).toMatchObject({ success: false, errorClass: 'auth' });
    expect(noAuth.summary).toContain('No authentication information found');
  });
});

describe('gemini', () => {
  it('sums tokens over models (thoughts as output) and reads the response', () => {
    expect(parse('gemini', { stdout: sample('gemini-success.json') })).toEqual({
      success: true,
      summary: 'Implemented WP01: the cart module and its tests are committed.',
      tokens: { input: 24939 + 1000, output: 120 + 54 + 10 },
      sessionId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    });
  });

  it('reads the real no-auth error JSON from stderr (after the YOLO banner), exit 41', () => {
    const result = parse('gemini', { exitCode: 41, stderr: sample('gemini-real-auth.stderr') });
    expect(result).toMatchObject({ success: false, errorClass: 'auth' });
    expect(result.summary).toContain('Please set an Auth method');
    expect(parse('gemini', { exitCode: 41, stderr: 'something odd' }).errorClass).toBe('auth');
  });

  it('classifies a quota error with its retry delay', () => {
    const before = Date.now();
    const result = parse('gemini', { exitCode: 1, stderr: sample('gemini-quota.stderr.json') });
    expect(result.errorClass).toBe('rate_limit');
    expect(Date.parse(result.rateLimitResetAt ?? '') - before).toBeGreaterThanOrEqual(20_000);
  });
});

describe('qwen', () => {
  it('reads the JSON array ending with a result object', () => {
    expect(parse('qwen', { stdout: sample('qwen-success.json') })).toEqual({
      success: true,
      summary: 'Implemented WP01.',
      tokens: { input: 5100, output: 230 },
      sessionId: '5d6e7f80-1a2b-4c3d-9e8f-a0b1c2d3e4f5',
    });
  });

  it('an error_during_execution result is a failure classified by its message', () => {
    expect(parse('qwen', { exitCode: 1, stdout: sample('qwen-error.json') })).toMatchObject({
      success: false,
      errorClass: 'network',
    });
  });

  it('reads the real signed-out result of qwen 0.24.4 as auth', () => {
    const result = parse('qwen', { exitCode: 1, stdout: sample('qwen-real-no-auth.json') });
    expect(result).toMatchObject({
      success: false,
      errorClass: 'auth',
      sessionId: '0d436aff-6c08-4503-88ce-9c8982fe5d42',
    });
    expect(result.summary).toContain('No auth type is selected');
  });

  it('still reads the Gemini-shaped object of older releases', () => {
    expect(parse('qwen', { stdout: sample('gemini-success.json') }).success).toBe(true);
  });
});

describe('opencode and kilo', () => {
  it('reads the final message text, tokens with cache and reasoning, and cost', () => {
    for (const id of ['opencode', 'kilocode']) {
      const result = parse(id, { stdout: sample('opencode-success.jsonl') });
      expect(result).toMatchObject({
        success: true,
        summary: 'Implemented WP01 and committed it.',
        tokens: { input: 1200 + 9000 + 300 + 10000, output: 80 + 10 + 40 },
        sessionId: 'ses_494719016ffe85dkDMj0FPRbHK',
      });
      expect(result.costUsd).toBeCloseTo(0.0163);
    }
  });

  it('an error event is a failure even if the CLI exits 0', () => {
    const result = parse('opencode', { stdout: sample('opencode-rate-limit.jsonl') });
    expect(result).toMatchObject({ success: false, errorClass: 'rate_limit' });
    expect(result.rateLimitResetAt).toBeDefined();
  });
});

describe('augment, cursor, pi, letta', () => {
  it('augment: reads a result object; the real no-auth failure is auth', () => {
    expect(parse('augment', { stdout: sample('auggie-success.json') })).toMatchObject({
      success: true,
      sessionId: 'aug-5e6f7a8b',
    });
    const result = parse('augment', { exitCode: 1, stderr: sample('augment-real-auth.stderr') });
    expect(result).toMatchObject({ success: false, errorClass: 'auth' });
    expect(result.summary).toContain('No auth provided');
  });

  it('augment: billing.total_cost is the cost when its unit is dollars, never when it is credits', () => {
    const answer = (billing: object) =>
      JSON.stringify({ type: 'result', result: 'Done.', is_error: false, session_id: 's', billing });
    const dollars = parse('augment', { stdout: answer({ usage_unit: 'USD', total_cost: 0.37 }) });
    expect(dollars).toMatchObject({ success: true, costUsd: 0.37 });
    const credits = parse('augment', { stdout: answer({ usage_unit: 'credits', total_cost: 120 }) });
    expect(credits.success).toBe(true);
    expect(credits.costUsd).toBeUndefined();
  });

  it('cursor: a result printed before the hard timeout killed it still counts', () => {
    const killed = { exitCode: null, signal: 'SIGTERM' as const, stoppedBy: 'wall_timeout' as const };
    expect(parse('cursor', { ...killed, stdout: sample('cursor-success.json') })).toMatchObject({
      success: true,
      summary: 'Implemented WP01 and committed the change.',
      sessionId: 'c0ffee00-1234-4abc-9def-0123456789ab',
    });
    expect(parse('cursor', { ...killed, stdout: '' }).errorClass).toBe('timeout');
  });

  it('pi: reads the final assistant text, usage with cache and cost; errors; the real no-key failure', () => {
    const ok = parse('pi', { stdout: sample('pi-success.jsonl') });
    expect(ok).toMatchObject({
      success: true,
      summary: 'Implemented WP01 and committed it.',
      tokens: { input: 1000 + 200 + 1300 + 1200, output: 80 },
      sessionId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    });
    expect(ok.costUsd).toBeCloseTo(0.00921);
    expect(parse('pi', { exitCode: 1, stdout: sample('pi-rate-limit.jsonl') }).errorClass).toBe('rate_limit');
    const noKey = parse('pi', {
      exitCode: 1,
      stdout: sample('pi-real-auth.stdout'),
      stderr: sample('pi-real-auth.stderr'),
    });
    expect(noKey).toMatchObject({ success: false, errorClass: 'auth' });
    expect(noKey.summary).toContain('No API key found');
  });

  it('letta: reads result, usage and the conversation id; missing key is auth', () => {
    expect(parse('letta', { stdout: sample('letta-success.json') })).toEqual({
      success: true,
      summary: 'Implemented WP01 and committed it.',
      tokens: { input: 1250, output: 89 },
      sessionId: 'conversation-xyz789',
    });
    const noKey = parse('letta', { exitCode: 1, stderr: sample('letta-real-missing-key.stderr') });
    expect(noKey).toMatchObject({ success: false, errorClass: 'auth' });
    expect(noKey.summary).toContain('Missing LETTA_API_KEY');
  });
});

describe('review verdict rule (shared by every invoker)', () => {
  it('a successful review answer without a valid verdict is invalid_output, never an approval', () => {
    const prose = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'Approved! LGTM.',
    });
    expect(parse('claude-code', { stdout: prose }, 'review')).toMatchObject({
      success: false,
      errorClass: 'invalid_output',
    });
    const fenced = JSON.stringify({ type: 'result', is_error: false, result: APPROVED_ANSWER });
    expect(parse('claude-code', { stdout: fenced }, 'review')).toMatchObject({
      success: true,
      verdict: { verdict: 'approved' },
    });
  });
});
