import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  agentDisplayLine,
  ellipsize,
  formatClock,
  formatCost,
  formatDuration,
  formatPercent,
  formatTokens,
  formatTokenUsage,
  oneLine,
} from '../../src/report/format.js';
import { renderEventLine } from '../../src/report/render/terminal.js';
import { displayWidth, truncateToWidth } from '../../src/report/render/terminal-text.js';
import type { NewEvent } from '../../src/state/types.js';

describe('formatters', () => {
  it('formats durations with at most two units, flooring', () => {
    expect([null, -1, 0, 999, 45_000, 59_999, 184_000, 3_720_000, 93_600_000].map(formatDuration)).toEqual([
      '-',
      '-',
      '0s',
      '0s',
      '45s',
      '59s',
      '3m 04s',
      '1h 02m',
      '26h 00m',
    ]);
  });

  it('formats money so a cheap run never looks free', () => {
    expect([0, -2, Number.NaN, 0.004, 0.01, 1.234, 1204.5].map(formatCost)).toEqual([
      '$0.00',
      '$0.00',
      '$0.00',
      '<$0.01',
      '$0.01',
      '$1.23',
      '$1,204.50',
    ]);
  });

  it('formats token counts compactly', () => {
    expect([0, 950, 1000, 12_345, 999_999, 4_500_000].map(formatTokens)).toEqual([
      '0',
      '950',
      '1k',
      '12.3k',
      '1M',
      '4.5M',
    ]);
    expect(formatTokenUsage({ input: 12_345, output: 4_500 })).toBe('12.3k in / 4.5k out');
    expect(formatPercent(3, 4)).toBe('75%');
    expect(formatPercent(0, 0)).toBe('-');
  });

  it('shows ISO times as local wall-clock times', () => {
    expect(formatClock(new Date(2026, 0, 15, 9, 3, 4).toISOString())).toBe('09:03:04');
    expect(formatClock('not a time')).toBe('not a time');
  });

  it('makes agent output safe for one line', () => {
    expect(oneLine('\u001b[1;32mPASS\u001b[0m\tsrc/a.test.ts\n  12 tests')).toBe(
      'PASS src/a.test.ts 12 tests',
    );
    expect(oneLine('downloading 10%\rdownloading 50%\rdownloading 99%\r')).toBe('downloading 99%');
    expect(oneLine('title\u001b]0;pwned\u0007 bell\u0007 \u202eevil')).toBe('title bell evil');
    expect(oneLine('line one\r\nline two')).toBe('line one line two');
    expect(ellipsize('abcdef', 4)).toBe('abc…');
  });

  it('measures wide characters as two columns and cuts to a width', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('🚀 ok')).toBe(5);
    expect(truncateToWidth('日本語のテキスト', 7)).toBe('日本語…');
    expect(truncateToWidth('short', 10)).toBe('short');
  });
});

describe('agentDisplayLine', () => {
  const sample = (name: string) =>
    readFileSync(new URL(`../agents/samples/${name}`, import.meta.url), 'utf8')
      .trim()
      .split('\n');

  it("shows an agent's JSON result or event by its text, never the raw JSON", () => {
    // claude's real result object (one line of JSON) when it is not logged in.
    expect(
      agentDisplayLine(JSON.stringify(JSON.parse(sample('claude-real-not-logged-in.json').join('\n')))),
    ).toBe('Not logged in · Please run /login');
    expect(
      agentDisplayLine('{"type":"item.completed","item":{"type":"agent_message","text":"Added the cart"}}'),
    ).toBe('Added the cart');
    expect(agentDisplayLine('{"type":"error","message":"Reconnecting... 2/5"}')).toBe('Reconnecting... 2/5');
  });

  it('keeps the previous line for JSON without text and for the brackets of pretty-printed JSON', () => {
    for (const line of ['{"type":"turn.started"}', '{', '  },', ']', '   '])
      expect(agentDisplayLine(line)).toBeNull();
    expect(agentDisplayLine('Running npm test')).toBe('Running npm test');
    expect(agentDisplayLine('{not json')).toBe('{not json');
  });
});

describe('renderEventLine', () => {
  // A local time, so the expected clock reads the same in every time zone.
  const at = new Date(2026, 0, 15, 12, 3, 4).toISOString();
  const line = (event: NewEvent) => renderEventLine({ ...event, seq: 1, at });

  it('says what happened in one line per event type', () => {
    const lines = [
      line({
        type: 'run_started',
        runId: 'r1',
        feature: '001-checkout-flow',
        configHash: 'h',
        workPackages: [{ id: 'WP01', title: 'x', dependencies: [] }],
      }),
      line({ type: 'run_resumed', runId: 'r1' }),
      line({ type: 'lane_changed', wp: 'WP03', lane: 'in_progress' }),
      line({ type: 'lane_changed', wp: 'WP03', lane: 'planned', reason: 'changes requested' }),
      line({
        type: 'attempt_started',
        wp: 'WP03',
        role: 'implementation',
        agent: 'claude-code',
        attempt: 1,
        logFile: 'l',
      }),
      line({
        type: 'attempt_finished',
        wp: 'WP03',
        role: 'implementation',
        agent: 'claude-code',
        attempt: 1,
        success: true,
        summary: 'Added the adapter\nand its tests',
        exitCode: 0,
        durationMs: 184_000,
        costUsd: 0.42,
      }),
      line({
        type: 'attempt_finished',
        wp: 'WP03',
        role: 'review',
        agent: 'codex',
        attempt: 2,
        success: false,
        summary: '',
        errorClass: 'rate_limit',
        exitCode: 1,
        durationMs: 3_000,
      }),
      line({
        type: 'review_verdict',
        wp: 'WP03',
        agent: 'codex',
        verdict: 'changes_requested',
        summary: 'validate input',
        findings: [{ message: 'a' }, { message: 'b' }],
      }),
      line({
        type: 'review_verdict',
        wp: 'WP03',
        agent: 'codex',
        verdict: 'approved',
        summary: '',
        findings: [],
      }),
      line({
        type: 'fallback',
        wp: 'WP03',
        role: 'review',
        from: 'codex',
        to: 'gemini',
        reason: 'rate limited',
      }),
      line({
        type: 'agent_cooldown',
        agent: 'codex',
        until: new Date(2026, 0, 15, 12, 30, 0).toISOString(),
        reason: '429',
      }),
      line({ type: 'wp_failed', wp: 'WP03', reason: 'every agent failed' }),
      line({ type: 'wp_blocked', wp: 'WP05', by: 'WP03' }),
      line({ type: 'run_finished', status: 'paused', message: 'interrupted' }),
    ];
    expect(lines).toEqual([
      '12:03:04 run r1 started: 001-checkout-flow, 1 work package',
      '12:03:04 run r1 resumed',
      '12:03:04 WP03 -> in_progress',
      '12:03:04 WP03 -> planned: changes requested',
      '12:03:04 WP03 implementation started (claude-code, attempt 1)',
      '12:03:04 WP03 implementation succeeded (claude-code, attempt 1, 3m 04s, $0.42): Added the adapter and its tests',
      '12:03:04 WP03 review failed (codex, attempt 2, rate_limit, exit 1, 3s)',
      '12:03:04 WP03 review: changes requested (codex, 2 findings): validate input',
      '12:03:04 WP03 review: approved (codex)',
      '12:03:04 WP03 review: falling back from codex to gemini: rate limited',
      '12:03:04 codex cooling down until 12:30:00: 429',
      '12:03:04 WP03 failed: every agent failed',
      '12:03:04 WP05 blocked by WP03',
      '12:03:04 run paused: interrupted',
    ]);
  });

  it('keeps a huge summary to one readable line', () => {
    const text = line({ type: 'wp_failed', wp: 'WP01', reason: 'x'.repeat(10_000) });
    expect(text.length).toBeLessThan(300);
    expect(text.endsWith('…')).toBe(true);
  });
});
