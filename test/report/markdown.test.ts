import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRunConclusion,
  commentMarker,
  escalationMarker,
  LIMITS,
  renderCheckRunOutput,
  renderComment,
  renderEscalation,
  renderJobSummary,
  type ReportContext,
} from '../../src/report/render/markdown.js';
import { codeBlock, escapeInline, fitItems, formatDuration } from '../../src/report/render/markdown-text.js';
import { toRunView } from '../../src/report/view-model.js';
import { hugeRun, mixedRun, orchestrationRun, wpExecution } from '../stand-ins/run-fixtures.js';

const NOW = new Date('2026-11-25T10:05:00.000Z');
const live: ReportContext = {
  phase: 'live',
  runUrl: 'https://github.com/o/r/actions/runs/7/attempts/1',
  now: NOW.toISOString(),
};
const final: ReportContext = { ...live, phase: 'final' };

describe('renderComment', () => {
  it('renders a live run (snapshot)', () => {
    expect(renderComment(toRunView(mixedRun(), NOW), live)).toMatchSnapshot();
  });

  it('renders an escalated run with the message and how to resume (snapshot)', () => {
    const run = mixedRun({
      status: 'paused',
      message: 'WP03 failed every agent; WP04 blocked',
      completedAt: NOW.toISOString(),
    });
    const body = renderComment(toRunView(run, NOW), final);
    expect(body).toMatchSnapshot();
    expect(body).toContain('Needs attention');
    expect(body).toContain('re-run this job');
  });

  it('starts with the hidden marker and escapes untrusted text', () => {
    const body = renderComment(toRunView(mixedRun(), NOW), live);
    expect(body.startsWith(commentMarker('001-demo'))).toBe(true);
    expect(body).toContain('Cart model \\| with a pipe');
    expect(body).toContain('Checkout &lt;form&gt;');
    expect(body).not.toContain('<form>');
  });

  it('keeps an oversized comment under the limit, marker first, with a note', () => {
    const view = toRunView(hugeRun(2000), NOW);
    const body = renderComment(view, final);
    expect(body.length).toBeLessThanOrEqual(LIMITS.comment);
    expect(body.startsWith(commentMarker(view.feature))).toBe(true);
    expect(body).toMatch(/more work packages not shown here \(size limit\); the job summary lists them all/);
    expect(body).toContain('| WP0001 |');
  });

  it('cuts even a comment whose message alone is too long', () => {
    const view = toRunView(
      orchestrationRun([wpExecution('WP01')], { status: 'failed', message: 'm'.repeat(100) }),
      NOW,
    );
    const huge = { ...view, message: 'm'.repeat(200_000) };
    const body = renderComment(huge, final);
    expect(body.length).toBeLessThanOrEqual(LIMITS.comment);
  });
});

describe('renderComment at scale', () => {
  /** `done` done WPs then `open` failed ones, each with a long title and error. */
  function scaledRun(done: number, open: number) {
    const base = hugeRun(done + open);
    const wps = Object.values(base.workPackages).map((wp, i) =>
      i < done
        ? { ...wp, lane: 'done' as const, lastError: null, reviewAgent: 'codex', reviewRounds: 2 }
        : wp,
    );
    return orchestrationRun(wps, { status: 'paused', completedAt: NOW.toISOString() });
  }

  it('folds done WPs into <details> only past the threshold, open ones first', () => {
    const ten = renderComment(toRunView(scaledRun(10, 2), NOW), final);
    expect(ten).not.toContain('<details>');
    const eleven = renderComment(toRunView(scaledRun(11, 2), NOW), final);
    expect(eleven).toContain('<details><summary>✅ 11 work packages done</summary>');
    expect(eleven.indexOf('| WP0012 |')).toBeLessThan(eleven.indexOf('<details>'));
    expect(eleven.indexOf('| WP0001 |')).toBeGreaterThan(eleven.indexOf('<details>'));
    expect(eleven).toMatch(/\| WP0001 \| [^|]+ \| ✅ done \| claude-code \| codex \| 0 \| 2 \|/);
  });

  it('lists all 200 WPs of a large feature within GitHub\u2019s comment limit', () => {
    const body = renderComment(toRunView(scaledRun(150, 50), NOW), final);
    expect(body.length).toBeLessThanOrEqual(LIMITS.comment);
    expect(body).not.toContain('not shown here');
    for (const id of ['WP0001', 'WP0150', 'WP0151', 'WP0200']) expect(body).toContain(`| ${id} |`);
  });

  it('shows nothing as running once the run stopped', () => {
    // A run killed mid-way: the log still says running, the post step reports it interrupted.
    const body = renderComment(toRunView(mixedRun(), NOW), { ...final, phase: 'interrupted' });
    expect(body).toContain('⏹️ Cancelled');
    expect(body).not.toMatch(/running|in review/);
    expect(body).toContain('1 stopped');
    expect(body).toMatch(/\| WP02 \| [^|]+ \| ⏹️ stopped \|/);
  });
});

describe('renderCheckRunOutput', () => {
  it('puts the table in the summary and review findings in the text (snapshot)', () => {
    const run = mixedRun();
    const reviews = [{ wpId: 'WP01', ...run.workPackages.WP01!.reviewFeedback! }];
    const output = renderCheckRunOutput(toRunView(run, NOW), reviews, live);
    expect(output).toMatchSnapshot();
    expect(output.text).toContain('`src/cart.ts:12`');
    expect(output.text).toContain('@\u200bocto');
  });

  it('keeps both fields within 65,535 characters for a huge run', () => {
    const run = hugeRun(3000);
    const reviews = Array.from({ length: 2000 }, (_, i) => ({
      wpId: `WP${i}`,
      verdict: 'changes_requested',
      summary: 's'.repeat(900),
      findings: [{ location: 'a.ts:1', message: 'f'.repeat(400) }],
    }));
    const output = renderCheckRunOutput(toRunView(run, NOW), reviews, final);
    expect(output.summary.length).toBeLessThanOrEqual(LIMITS.checkRunField);
    expect(output.text.length).toBeLessThanOrEqual(LIMITS.checkRunField);
    expect(output.text).toMatch(/more reviews not shown/);
  });
});

describe('checkRunConclusion', () => {
  const view = (status: 'running' | 'completed' | 'paused' | 'failed' | 'aborted', failed = false) =>
    toRunView(orchestrationRun([wpExecution('WP01', { lane: failed ? 'failed' : 'done' })], { status }), NOW);
  it('maps run states to conclusions', () => {
    expect(checkRunConclusion(view('running'), 'live')).toBeNull();
    expect(checkRunConclusion(view('completed'), 'final')).toBe('success');
    expect(checkRunConclusion(view('paused', true), 'final')).toBe('action_required');
    expect(checkRunConclusion(view('paused'), 'final')).toBe('cancelled');
    expect(checkRunConclusion(view('failed'), 'final')).toBe('failure');
    expect(checkRunConclusion(view('running'), 'interrupted')).toBe('cancelled');
    expect(checkRunConclusion(view('running'), 'final')).toBe('cancelled');
  });
});

describe('renderJobSummary', () => {
  it('renders every row of a mid-sized run (snapshot of a small one)', () => {
    expect(renderJobSummary(toRunView(mixedRun({ status: 'completed' }), NOW), final)).toMatchSnapshot();
    const big = renderJobSummary(toRunView(hugeRun(1500), NOW), final);
    expect(big).not.toMatch(/not shown/);
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(LIMITS.jobSummaryBytes);
  });
});

describe('renderEscalation', () => {
  const input = {
    feature: '001-demo',
    wpId: 'WP03',
    title: 'Payment gateway',
    reason: 'every agent failed: gemini rate_limit, claude-code auth',
    attempts: [
      {
        role: 'implementation',
        agent: 'gemini',
        attempt: 1,
        errorClass: 'rate_limit',
        summary: 'HTTP 429 | quota',
      },
      {
        role: 'implementation',
        agent: 'claude-code',
        attempt: 1,
        errorClass: 'auth',
        summary: 'invalid key',
      },
    ],
    logTail: {
      file: '.kittify/logs/001-demo/WP03-implementation-2.log',
      text: 'line 1\n```\nError: 401 ***',
    },
  };

  it('says what failed, shows the log tail safely fenced and how to resume (snapshot)', () => {
    const body = renderEscalation(input, final);
    expect(body).toMatchSnapshot();
    expect(body.startsWith(escalationMarker('001-demo', 'WP03'))).toBe(true);
    expect(body).toContain('````text');
    expect(body).toContain('re-run this job');
  });

  it('drops log lines, not the resume hint, when the log is huge', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `log line ${i} ${'y'.repeat(100)}`).join('\n');
    const body = renderEscalation({ ...input, logTail: { file: 'x.log', text } }, final);
    expect(body.length).toBeLessThanOrEqual(LIMITS.comment);
    expect(body).toContain('log line 4999');
    expect(body).toContain('re-run this job');
  });
});

describe('markdown helpers', () => {
  it('escapeInline never lets a cell break the table or mention anyone', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const cell = escapeInline(text);
        expect(cell).not.toMatch(/\n/);
        expect(cell).not.toMatch(/(^|[^\\])\|/);
        expect(cell).not.toMatch(/</);
        expect(cell).not.toMatch(/@[A-Za-z0-9-]/);
      }),
    );
  });

  it('codeBlock picks a fence longer than any backtick run inside', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const block = codeBlock(text);
        const fence = /^`+/.exec(block)![0];
        const inner = block.slice(fence.length, block.length - fence.length);
        expect(inner.includes(fence)).toBe(false);
      }),
    );
  });

  it('fitItems returns the largest fitting rendering', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 20, max: 2000 }), (total, limit) => {
        const render = (k: number) => `head${'x'.repeat(k * 10)}`;
        const text = fitItems(render, total, limit, 'cut');
        expect(text.length).toBeLessThanOrEqual(limit);
        const fitting = Math.min(total, Math.floor((limit - 4) / 10));
        expect(text).toBe(render(fitting));
      }),
    );
  });

  it('formats durations', () => {
    expect([null, 999, 12_000, 245_000, 7_380_000].map(formatDuration)).toEqual([
      '—',
      '1s',
      '12s',
      '4m 05s',
      '2h 03m',
    ]);
  });
});
