/**
 * The CLI's view of a run: a live table redrawn in place on a terminal, one plain line per event in pipes
 * and CI logs, or JSON lines for other tools. It only writes: everything it shows comes from the pure
 * renderers in render/terminal.ts.
 */
import { createLogUpdate } from 'log-update';
import { errorMessage } from '../errors.js';
import type { OrchestrationEvent, OrchestrationRun } from '../state/types.js';
import { agentDisplayLine } from './format.js';
import { toJsonOutput } from './json-keys.js';
import { renderEventLine, renderLiveTable, renderSummary } from './render/terminal.js';
import { toRunView, type RunView } from './view-model.js';

export type TerminalViewMode = 'live' | 'plain' | 'json';

export interface TerminalViewOptions {
  mode: TerminalViewMode;
  /** Where output goes (the CLI passes stdout's write). */
  write: (text: string) => void;
  /** Terminal columns, asked at each redraw so a resized window is followed (default 80). */
  width?: () => number;
  /** Terminal rows, asked at each redraw (default 24). */
  height?: () => number;
  color: boolean;
  /** Where the run's per-attempt logs are, for the summary. */
  logDir: string;
  /** The feature as the user named it, for the commands the summary suggests (default: the run's). */
  featureRef?: string;
  /** The repository as the user named it, when it is not the current directory (default: none). */
  repoRef?: string;
  now?: () => Date;
}

export interface TerminalView {
  /** Show an event; `run` is the run with the event folded in. */
  onEvent(event: OrchestrationEvent, run: OrchestrationRun): void;
  /** Remember (live) or emit (json) a line an agent printed while working on `wpId`. */
  onAgentLine(wpId: string, line: string): void;
  /** Print a message of our own (a warning, the resume hint) without breaking the live table. */
  log(message: string): void;
  /** Stop redrawing and print the summary (json: a final `summary` line). Safe to call twice. */
  close(run: OrchestrationRun): void;
}

/** Redraws at most this often: agents can print hundreds of lines a second. */
const REDRAW_INTERVAL_MS = 100;
/** Elapsed times move even when nothing happens. */
const TICK_MS = 1000;

/** Make the view for a mode. No timer it starts keeps the process alive. */
export function createTerminalView(opts: TerminalViewOptions): TerminalView {
  switch (opts.mode) {
    case 'live':
      return liveView(opts);
    case 'plain':
      return plainView(opts);
    case 'json':
      return jsonView(opts);
  }
}

const clock = (opts: TerminalViewOptions): (() => Date) => opts.now ?? (() => new Date());

function summaryText(opts: TerminalViewOptions, view: RunView): string {
  const { logDir, color, featureRef, repoRef } = opts;
  return `${renderSummary(view, { logDir, color, featureRef, repoRef, width: summaryWidth(opts) })}\n`;
}

/** The width the summary's prose wraps at: the terminal's, unless it cannot be asked (stdout gone) or is tiny. */
function summaryWidth(opts: TerminalViewOptions): number {
  try {
    return Math.max(40, opts.width?.() ?? 80);
  } catch {
    return 80;
  }
}

function plainView(opts: TerminalViewOptions): TerminalView {
  let closed = false;
  return {
    onEvent: (event) => opts.write(`${renderEventLine(event)}\n`),
    // Agent output goes to the per-WP log files; in a CI log it would drown the events.
    onAgentLine: () => undefined,
    log: (message) => opts.write(`${message}\n`),
    close(run) {
      if (closed) return;
      closed = true;
      opts.write(`\n${summaryText(opts, toRunView(run, clock(opts)()))}`);
    },
  };
}

function jsonView(opts: TerminalViewOptions): TerminalView {
  const emit = (value: unknown) => opts.write(`${toJsonOutput(value, true)}\n`);
  let closed = false;
  return {
    onEvent: (event) => emit(event),
    onAgentLine: (wp, line) => emit({ type: 'agent_line', wp, line }),
    log: (message) => emit({ type: 'message', message }),
    close(run) {
      if (closed) return;
      closed = true;
      emit({ type: 'summary', logDir: opts.logDir, ...toRunView(run, clock(opts)()) });
    },
  };
}

function liveView(opts: TerminalViewOptions): TerminalView {
  const width = opts.width ?? (() => 80);
  const height = opts.height ?? (() => 24);
  const now = clock(opts);
  // log-update reads `columns`/`rows` from its stream on every frame; they are measured once per frame, in
  // `draw`, so the renderer and log-update agree on the width (and a failing measure stays inside the guard).
  const size = { columns: 80, rows: 24 };
  const stream = {
    write: (text: string) => {
      opts.write(text);
      return true;
    },
    get columns() {
      return size.columns;
    },
    get rows() {
      return size.rows;
    },
  };
  const frame = createLogUpdate(stream as unknown as NodeJS.WriteStream);
  const lastLines = new Map<string, string>();
  let run: OrchestrationRun | null = null;
  let closed = false;
  let broken = false;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | null = null;

  const draw = () => {
    if (pending) clearTimeout(pending);
    pending = null;
    if (closed || broken || !run) return;
    lastDraw = Date.now();
    try {
      size.columns = measure(width(), 80);
      size.rows = measure(height(), 24);
      const view = withLastLines(toRunView(run, now()), lastLines);
      frame(renderLiveTable(view, { width: size.columns, height: size.rows, color: opts.color }));
    } catch (error) {
      // Draws run from timers, where a throw would crash the run itself: a broken view must not cost the
      // work in flight. Stop drawing and say why once; the summary still comes at close.
      broken = true;
      clearInterval(tick);
      opts.write(`\nkitty-orchestrator: live view stopped: ${errorMessage(error)}\n`);
    }
  };
  const schedule = () => {
    if (closed || broken || pending) return;
    const wait = REDRAW_INTERVAL_MS - (Date.now() - lastDraw);
    if (wait <= 0) return draw();
    pending = setTimeout(draw, wait);
    pending.unref();
  };
  const tick = setInterval(draw, TICK_MS);
  tick.unref();

  return {
    onEvent(event, next) {
      run = next;
      // A new attempt's first line has not come yet: the previous attempt's would mislead.
      if (event.type === 'attempt_started') lastLines.delete(event.wp);
      schedule();
    },
    onAgentLine(wpId, line) {
      const shown = agentDisplayLine(line);
      if (shown === null) return;
      lastLines.set(wpId, shown);
      schedule();
    },
    log(message) {
      if (closed || broken) return opts.write(`${message}\n`);
      frame.clear();
      opts.write(`${message}\n`);
      draw();
    },
    close(final) {
      if (closed) return;
      closed = true;
      clearInterval(tick);
      if (pending) clearTimeout(pending);
      // The summary repeats every row, so the table makes way for it rather than sitting above it.
      if (!broken) frame.clear();
      frame.done();
      opts.write(summaryText(opts, withLastLines(toRunView(final, now()), lastLines)));
    },
  };
}

/** A terminal dimension, or the fallback when the stream does not know it (undefined, 0, NaN). */
function measure(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function withLastLines(view: RunView, lastLines: ReadonlyMap<string, string>): RunView {
  if (lastLines.size === 0) return view;
  return {
    ...view,
    rows: view.rows.map((row) => ({ ...row, lastLine: lastLines.get(row.id) ?? row.lastLine })),
  };
}
