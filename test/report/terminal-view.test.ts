import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/report/format.js';
import { renderEventLine } from '../../src/report/render/terminal.js';
import { displayWidth } from '../../src/report/render/terminal-text.js';
import { createTerminalView, type TerminalViewOptions } from '../../src/report/terminal-view.js';
import { applyEvent } from '../../src/state/reduce.js';
import type { OrchestrationEvent, OrchestrationRun } from '../../src/state/types.js';
import { midRunEvents, NOW } from './terminal-fixtures.js';
import { snakeKeys } from '../../src/report/json-keys.js';

/** A view writing into a string, fed the mid-run log event by event through the real reducer. */
function harness(opts: Partial<TerminalViewOptions> & Pick<TerminalViewOptions, 'mode'>) {
  let out = '';
  const view = createTerminalView({
    write: (text) => (out += text),
    color: false,
    logDir: '/repo/.kittify/logs/001-checkout-flow',
    now: () => NOW,
    ...opts,
  });
  let run: OrchestrationRun | null = null;
  const feed = (events: OrchestrationEvent[]) => {
    for (const event of events) {
      run = applyEvent(run, event);
      view.onEvent(event, run!);
    }
  };
  return { view, feed, output: () => out, run: () => run!, reset: () => (out = '') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('plain view', () => {
  it('prints one line per event, then the summary once', () => {
    const h = harness({ mode: 'plain' });
    const events = midRunEvents();
    h.feed(events);
    h.view.onAgentLine('WP02', 'agent chatter stays in the log files');
    expect(h.output()).toBe(events.map((e) => `${renderEventLine(e)}\n`).join(''));
    h.view.close(h.run());
    h.view.close(h.run());
    const summary = h.output().slice(events.map((e) => renderEventLine(e)).join('\n').length);
    expect(summary.match(/Logs {2}\/repo\/.kittify\/logs\/001-checkout-flow/g)).toHaveLength(1);
    expect(h.output()).not.toContain('agent chatter');
  });
});

describe('json view', () => {
  it('prints every event, agent line and a final summary as one JSON object a line', () => {
    const h = harness({ mode: 'json' });
    const events = midRunEvents();
    h.feed(events);
    h.view.onAgentLine('WP02', 'compiling…');
    h.view.log('a note');
    h.view.close(h.run());
    const lines = h.output().trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // One key style for every --json output: snake_case.
    expect(parsed.slice(0, events.length)).toEqual(events.map(snakeKeys));
    expect(parsed[0]).toHaveProperty('run_id');
    expect(parsed[events.length]).toEqual({ type: 'agent_line', wp: 'WP02', line: 'compiling…' });
    expect(parsed[events.length + 1]).toEqual({ type: 'message', message: 'a note' });
    const summary = parsed.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      feature: '001-checkout-flow',
      status: 'running',
      done: 1,
      total: 6,
    });
    expect(summary.log_dir).toBe('/repo/.kittify/logs/001-checkout-flow');
    expect(summary).toHaveProperty('cost_usd');
    expect(parsed).toHaveLength(events.length + 3);
  });
});

describe('live view', () => {
  it('draws the table at once, then at most every 100 ms, and keeps each WP’s last agent line', () => {
    vi.useFakeTimers();
    const h = harness({ mode: 'live', width: () => 80 });
    h.feed(midRunEvents());
    // The first event draws at once; the burst after it waits for the next slot.
    expect(stripAnsi(h.output())).toContain('WP04  planned');
    expect(stripAnsi(h.output())).not.toContain('WP04  failed');
    vi.advanceTimersByTime(100);
    expect(stripAnsi(h.output())).toContain('WP04  failed');
    h.reset();
    h.view.onAgentLine('WP02', '\u001b[32mPASS\u001b[0m src/api/cart.test.ts');
    h.view.onAgentLine('WP02', '   ');
    expect(h.output()).toBe('');
    vi.advanceTimersByTime(100);
    const frame = stripAnsi(h.output());
    expect(frame).toMatch(/WP02 +in_progress .* PASS src\/api\/cart\.test\.ts/);
    // Every frame erases the previous one, and no line of it is wider than the terminal.
    expect(h.output()).toContain('\u001b[2K');
    for (const line of frame.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  it('redraws on its own each second, so elapsed times move', () => {
    vi.useFakeTimers();
    let now = NOW;
    const h = harness({ mode: 'live', now: () => now });
    h.feed(midRunEvents());
    expect(stripAnsi(h.output())).toContain('12m 34s');
    now = new Date(NOW.getTime() + 2000);
    vi.advanceTimersByTime(1000);
    expect(stripAnsi(h.output())).toContain('12m 36s');
  });

  it('forgets the previous attempt’s line when a new attempt starts', () => {
    vi.useFakeTimers();
    const h = harness({ mode: 'live', width: () => 200 });
    const events = midRunEvents();
    h.feed(events);
    h.view.onAgentLine('WP03', 'review of attempt one');
    vi.advanceTimersByTime(100);
    const last = events.at(-1)!;
    h.feed([
      {
        ...last,
        seq: last.seq + 1,
        type: 'attempt_started',
        wp: 'WP03',
        role: 'review',
        agent: 'codex',
        attempt: 2,
        logFile: 'x',
      },
    ]);
    vi.advanceTimersByTime(100);
    const frames = stripAnsi(h.output()).split('001-checkout-flow  running');
    expect(frames.at(-1)).not.toContain('review of attempt one');
    expect(frames.at(-1)).toMatch(/WP03 +in_review +codex .* Payment provider adapter/);
  });

  it('prints log messages above the table and the summary at close; no timer is left behind', () => {
    vi.useFakeTimers();
    const h = harness({ mode: 'live' });
    h.feed(midRunEvents());
    h.view.log('warning: claude-code is rate limited');
    expect(stripAnsi(h.output())).toMatch(/warning: claude-code is rate limited\n(.|\n)*WP01/);
    h.view.close(h.run());
    expect(vi.getTimerCount()).toBe(0);
    const after = h.output().length;
    expect(stripAnsi(h.output())).toMatch(/Next {2}still running/);
    h.view.onAgentLine('WP02', 'late line');
    vi.advanceTimersByTime(5000);
    h.view.close(h.run());
    expect(h.output()).toHaveLength(after);
  });

  it('keeps the run alive when drawing fails: one note, and the summary still comes', () => {
    const h = harness({
      mode: 'live',
      width: () => {
        throw new Error('stdout is gone');
      },
    });
    expect(() => h.feed(midRunEvents())).not.toThrow();
    expect(h.output()).toContain('live view stopped: stdout is gone');
    h.view.close(h.run());
    expect(h.output()).toContain('Logs  /repo/.kittify/logs/001-checkout-flow');
    expect(h.output().match(/live view stopped/g)).toHaveLength(1);
  });

  it('never keeps the process alive: a script that forgets close() still exits', async () => {
    const script = `
      import { createTerminalView } from ${JSON.stringify(path.resolve('src/report/terminal-view.ts'))};
      import { midRunEvents } from ${JSON.stringify(path.resolve('test/report/terminal-fixtures.ts'))};
      import { applyEvent } from ${JSON.stringify(path.resolve('src/state/reduce.ts'))};
      const view = createTerminalView({ mode: 'live', write: () => {}, color: false, logDir: '/tmp' });
      let run = null;
      for (const e of midRunEvents()) { run = applyEvent(run, e); view.onEvent(e, run); }
      view.onAgentLine('WP02', 'x');
      view.onAgentLine('WP02', 'y');
      console.log('ended');`;
    const tsx = path.resolve('node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    expect(stdout).toBe('ended\n');
  });
});
