import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/report/format.js';
import { renderLiveTable, renderSummary } from '../../src/report/render/terminal.js';
import { displayWidth } from '../../src/report/render/terminal-text.js';
import { toRunView, type RunView } from '../../src/report/view-model.js';
import { completedRun, midRun, NOW, pausedRun } from './terminal-fixtures.js';

const widthOf = (text: string): number =>
  Math.max(...text.split('\n').map((l) => displayWidth(stripAnsi(l))));

function withLastLine(view: RunView, wp: string, line: string): RunView {
  return { ...view, rows: view.rows.map((r) => (r.id === wp ? { ...r, lastLine: line } : r)) };
}

const midView = (): RunView =>
  withLastLine(
    withLastLine(toRunView(midRun(), NOW), 'WP02', 'Running npm test -- src/api (14 of 32 suites passed)'),
    'WP03',
    'Reviewing src/payments/adapter.ts',
  );

describe('renderLiveTable', () => {
  it('draws the header and one row per WP', () => {
    expect(renderLiveTable(midView(), { width: 120, color: false })).toMatchSnapshot();
  });

  it('cuts every line to the terminal width, with an ellipsis', () => {
    const table = renderLiveTable(midView(), { width: 60, color: false });
    expect(table).toMatchSnapshot();
    for (const line of table.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    const row = table.split('\n').find((l) => l.startsWith('WP02'))!;
    expect(row).toBe('WP02  in_progress  claude-code  1    8m 34s  $0.00  Running…');
  });

  it('never exceeds the width, whatever an agent prints and however narrow the terminal', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      // Any code point, lone surrogates and C0/C1 controls included, ASCII made frequent.
      fc.string({
        unit: fc.oneof(fc.nat(0x7f), fc.nat(0x10ffff)).map((c) => String.fromCodePoint(c)),
        maxLength: 300,
      }),
      fc.constantFrom(
        '界'.repeat(200),
        '🚀'.repeat(150),
        '\u001b[31mred\u001b[0m\ttab\r50%\rdone',
        'e\u0301'.repeat(99),
      ),
    );
    const view = midView();
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 200 }), fc.boolean(), (text, width, color) => {
        const table = renderLiveTable(withLastLine(view, 'WP02', text), { width, color });
        expect(widthOf(table)).toBeLessThanOrEqual(width);
        // No escape sequence of the agent's gets through: only our own colours.
        if (!color) expect(table).not.toContain('\u001b');
        expect(table.split('\n')).toHaveLength(3 + 6);
      }),
      { numRuns: 150 },
    );
  });

  it('counts wide characters as two columns', () => {
    const table = renderLiveTable(withLastLine(midView(), 'WP02', '构建成功：全部测试通过'), {
      width: 64,
      color: false,
    });
    const row = table.split('\n').find((l) => l.startsWith('WP02'))!;
    expect(displayWidth(row)).toBeLessThanOrEqual(64);
    expect(row.endsWith('…')).toBe(true);
  });

  it('colours lanes only when asked', () => {
    const plain = renderLiveTable(midView(), { width: 120, color: false });
    const coloured = renderLiveTable(midView(), { width: 120, color: true });
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[31mfailed\u001b[39m');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('keeps the active WPs and folds the rest into one line when rows run out', () => {
    const table = renderLiveTable(midView(), { width: 120, color: false, height: 8 });
    const lines = table.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.slice(3, 6).map((l) => l.slice(0, 4))).toEqual(['WP02', 'WP03', 'WP04']);
    expect(lines.at(-1)).toBe('… 3 more WPs (1 done, 1 planned, 1 blocked)');
  });
});

describe('renderSummary', () => {
  const opts = { logDir: '.kittify/logs/001-checkout-flow', color: false };

  it('sums up a completed run: totals, rows, agents, logs, how to merge', () => {
    const summary = renderSummary(toRunView(completedRun(), NOW), opts);
    expect(summary).toMatchSnapshot();
    expect(summary).toContain('claude-code  implementation  4 attempts  3 ok  75%');
    expect(summary).toMatch(/WP02 +done +claude-code +codex +2 +2 /);
    expect(summary).toContain('spec-kitty merge');
  });

  it("names the host's next step when the run's closing message gives one (spec-kitty: accept, then merge)", () => {
    const next = '`spec-kitty accept --mission demo-01`, then `spec-kitty merge --mission demo-01`';
    const run = { ...completedRun(), message: `All 2 work packages are done. Next: ${next}.` };
    const summary = renderSummary(toRunView(run, NOW), opts);
    // The step wraps between words under `Next`; joined, it is the host's text to the letter.
    expect(
      summary
        .trimEnd()
        .replace(/\n {6}/g, ' ')
        .endsWith(`Next  ${next}`),
    ).toBe(true);
    expect(summary).not.toContain('dependency order');
  });

  it('tells how to resume a paused run, with the feature as the user named it', () => {
    const summary = renderSummary(toRunView(pausedRun(), NOW), {
      ...opts,
      featureRef: 'kitty-specs/001 checkout',
    });
    expect(summary).toMatchSnapshot();
    expect(summary).toContain("`kitty-orchestrator resume --feature 'kitty-specs/001 checkout'`");
    // The attempts Ctrl+C cut short are not held against the agent.
    expect(summary).toContain('claude-code  implementation+review  2 attempts  1 ok  50%');
    expect(summary).toContain('(2 interrupted)');
  });

  it('points at status while the run is still going', () => {
    const summary = renderSummary(toRunView(midRun(), NOW), opts);
    expect(summary).toContain('running for 12m 34s');
    expect(summary).not.toContain('running running');
    expect(summary).toContain('kitty-orchestrator status --feature 001-checkout-flow');
  });

  it('wraps its prose between words at the width, never inside a command to copy', () => {
    const view = { ...toRunView(pausedRun(), NOW), message: 'WP03 failed with every agent: '.repeat(6) };
    const summary = renderSummary(view, { ...opts, featureRef: 'kitty-specs/001 checkout', width: 60 });
    // The prose: the message under the title, and the next step's last line (the tables are columns, not prose;
    // the command to copy is longer than 60 columns and stays whole).
    const lines = summary.split('\n');
    const prose = [...lines.slice(1, 4), ...lines.slice(-1)];
    for (const line of prose) expect(line.length).toBeLessThanOrEqual(60);
    expect(summary).toContain('WP03 failed with every agent: WP03 failed');
    expect(summary).toContain(
      "Next  `kitty-orchestrator resume --feature 'kitty-specs/001 checkout'`\n      continues",
    );
  });

  it('names failed and aborted runs the resume command too', () => {
    for (const status of ['failed', 'aborted'] as const) {
      const view = { ...toRunView(pausedRun(), NOW), status };
      expect(renderSummary(view, opts)).toContain('kitty-orchestrator resume --feature 001-checkout-flow');
    }
  });
});
