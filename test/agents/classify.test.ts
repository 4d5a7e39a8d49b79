import { describe, expect, it } from 'vitest';
import { classifyFailure, classifyText } from '../../src/agents/classify.js';
import { outcome } from './helpers.js';

const now = new Date('2026-11-24T10:00:00.000Z');

describe('classifyText', () => {
  it.each([
    ['Invalid API key · Please run /login', 'auth'],
    ['Error: 401 Unauthorized: invalid api key', 'auth'],
    ['Error: No authentication information found.', 'auth'],
    ['Missing LETTA_API_KEY', 'auth'],
    ['No API key found for anthropic.', 'auth'],
    ['Error: No auth provided', 'auth'],
    ['Error: not authenticated', 'auth'],
    ['Error: 429 Too Many Requests', 'rate_limit'],
    ['You exceeded your current quota', 'rate_limit'],
    ["You've hit your usage limit.", 'rate_limit'],
    ['RESOURCE_EXHAUSTED', 'rate_limit'],
    ['Quota exceeded for quota metric generate_content_requests', 'rate_limit'],
    ['You have exhausted your capacity on this model.', 'rate_limit'],
    ['Error: insufficient_quota', 'rate_limit'],
    ['Your application authenticated without a quota project. Error: 401', 'auth'],
    ['getaddrinfo ENOTFOUND api.anthropic.com', 'network'],
    ['connect ECONNREFUSED 127.0.0.1:443', 'network'],
    ['TypeError: fetch failed', 'network'],
    ['stream disconnected before completion', 'network'],
  ])('%s -> %s', (text, expected) => {
    expect(classifyText(text, now)?.errorClass).toBe(expected);
  });

  it('attaches the reset time to a rate limit', () => {
    expect(classifyText('Error: 429 Too Many Requests. Rate limit reached; try again in 2s', now)).toEqual({
      errorClass: 'rate_limit',
      line: 'Error: 429 Too Many Requests. Rate limit reached; try again in 2s',
      rateLimitResetAt: '2026-11-24T10:00:02.000Z',
    });
  });

  it('names nothing for other text', () => {
    expect(classifyText('TypeError: cannot read properties of undefined', now)).toBeNull();
  });
});

describe('classifyFailure', () => {
  it('our own stops win over any text', () => {
    expect(classifyFailure(outcome({ stoppedBy: 'wall_timeout', exitCode: null }), '429').errorClass).toBe(
      'timeout',
    );
    expect(classifyFailure(outcome({ stoppedBy: 'inactivity_timeout' }), '').errorClass).toBe('stalled');
  });

  it('uses CLI-specific exit codes, else crash', () => {
    expect(classifyFailure(outcome({ exitCode: 41 }), 'boom', { exitCodes: { 41: 'auth' } }).errorClass).toBe(
      'auth',
    );
    expect(classifyFailure(outcome({ exitCode: 1 }), 'Segmentation fault').errorClass).toBe('crash');
    expect(classifyFailure(outcome({ exitCode: null, signal: 'SIGSEGV' }), '').errorClass).toBe('crash');
  });
});
