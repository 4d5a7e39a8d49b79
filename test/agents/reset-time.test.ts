import { describe, expect, it } from 'vitest';
import { parseResetTime } from '../../src/agents/reset-time.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const iso = (text: string): string | undefined => parseResetTime(text, now)?.toISOString();

describe('parseResetTime', () => {
  it('reads relative durations', () => {
    expect(iso('Rate limit reached; try again in 2s')).toBe('2026-11-24T10:00:02.000Z');
    expect(iso('Please retry in 20.5s.')).toBe('2026-11-24T10:00:20.500Z');
    expect(iso("You've hit your usage limit. Try again in 4 days 3 hours 20 minutes.")).toBe(
      '2026-11-28T13:20:00.000Z',
    );
    expect(iso('quota resets in 1h30m')).toBe('2026-11-24T11:30:00.000Z');
    expect(iso('try again in 2 minutes and 5 seconds')).toBe('2026-11-24T10:02:05.000Z');
  });

  it('reads retry-after headers and Google retryDelay', () => {
    expect(iso('HTTP 429\nretry-after: 30\n')).toBe('2026-11-24T10:00:30.000Z');
    expect(iso('{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"41s"}')).toBe(
      '2026-11-24T10:00:41.000Z',
    );
    expect(iso('Retry-After: Tue, 24 Nov 2026 10:05:00 GMT')).toBe('2026-11-24T10:05:00.000Z');
  });

  it('reads ISO times and epoch seconds', () => {
    expect(iso('rate limited until 2026-11-24T12:00:00Z')).toBe('2026-11-24T12:00:00.000Z');
    expect(iso('Claude AI usage limit reached|1795608000')).toBe(new Date(1795608000 * 1000).toISOString());
    expect(iso('{"error":"rate_limit","resets_at": 1795608000}')).toBe(
      new Date(1795608000 * 1000).toISOString(),
    );
  });

  it('reads wall-clock times with a time zone as the next such time', () => {
    // 10:00Z is 10:00 in London (GMT in November): 3pm is today, 9am is tomorrow.
    expect(iso("You've hit your session limit · resets 3pm (Europe/London)")).toBe(
      '2026-11-24T15:00:00.000Z',
    );
    expect(iso('resets at 9am (Europe/London)')).toBe('2026-11-25T09:00:00.000Z');
    // Chicago is UTC-6 in November: 11:40am there is 17:40Z.
    expect(iso('limit reached - resets 11:40am (America/Chicago)')).toBe('2026-11-24T17:40:00.000Z');
    // 2026-11-24 is a Tuesday: "Monday at 9am" is six days on.
    expect(iso('weekly limit - resets Monday at 9am (UTC)')).toBe('2026-11-30T09:00:00.000Z');
    expect(iso('try again at 14:30 (UTC)')).toBe('2026-11-24T14:30:00.000Z');
  });

  it('reads local wall-clock times without a zone', () => {
    const reset = parseResetTime('resets at 3pm', now);
    expect(reset?.getHours()).toBe(15);
    expect(reset && reset > now).toBe(true);
  });

  it('returns null when no reset time is given', () => {
    expect(parseResetTime('429 Too Many Requests', now)).toBeNull();
    expect(parseResetTime('quota exceeded for project 1234567890', now)).toBeNull();
  });
});
