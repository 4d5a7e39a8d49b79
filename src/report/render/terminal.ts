/**
 * Pure terminal renderers: the live table redrawn while a run goes, one plain line per event for logs and
 * pipes, and (in terminal-summary.ts) the summary printed at the end. Functions of a view or an event only:
 * no clock, no terminal, so they are snapshot-tested.
 */
import type { Lane } from '../../feature/types.js';
import type { OrchestrationEvent } from '../../state/types.js';
import { budgetLimits } from '../budget-text.js';
import { ellipsize, formatClock, formatCost, formatDuration, oneLine, plural } from '../format.js';
import type { RunView, WpRow } from '../view-model.js';
import { cell, displayWidth, fitLine, laneStyle, pc, statusStyle, type Segment } from './terminal-text.js';

export { renderSummary, type SummaryOptions } from './terminal-summary.js';

export interface LiveTableOptions {
  /** Terminal columns: no line is longer, so the in-place redraw never meets a wrapped line. */
  width: number;
  color: boolean;
  /**
   * Terminal rows, when known. A redraw can only erase what is on screen, so with more WPs than rows the
   * table keeps the active ones and folds the rest into one line.
   */
  height?: number;
}

const GAP = '  ';
const MAX_AGENT_COLUMN = 16;
/** Lanes in which an agent is (or is about to be) at work on the WP. */
const ACTIVE: readonly Lane[] = ['claimed', 'in_progress', 'for_review', 'in_review', 'approved'];
const HEADER_LINES = 3;

interface Columns {
  id: number;
  lane: number;
  agent: number;
  attempt: number;
  time: number;
  cost: number;
}

/** The live progress table: a two-line header (feature, status, counts, elapsed, cost), then one row per WP. */
export function renderLiveTable(view: RunView, opts: LiveTableOptions): string {
  const width = Number.isFinite(opts.width) ? Math.max(1, Math.floor(opts.width)) : 80;
  const { shown, hidden } = fitRows(view.rows, opts.height);
  const columns = columnWidths(shown);
  const lines = [
    fitLine(titleSegments(view), width, opts.color),
    fitLine(countSegments(view), width, opts.color),
    fitLine(headingSegments(columns), width, opts.color),
    ...shown.map((row) => fitLine(rowSegments(row, columns), width, opts.color)),
  ];
  if (hidden.length > 0)
    lines.push(fitLine([{ text: hiddenNote(hidden), style: pc.dim }], width, opts.color));
  return lines.join('\n');
}

function titleSegments(view: RunView): Segment[] {
  const segments: Segment[] = [
    { text: view.feature, style: pc.bold },
    { text: '  ' },
    { text: view.status, style: statusStyle(view.status) },
  ];
  if (view.message && view.status !== 'running') segments.push({ text: `: ${oneLine(view.message)}` });
  return segments;
}

function countSegments(view: RunView): Segment[] {
  const parts: Segment[] = [{ text: `${view.done}/${view.total} done` }];
  parts.push({ text: ' · ' }, { text: `${view.running} running`, style: view.running ? pc.cyan : pc.dim });
  parts.push({ text: ' · ' }, { text: `${view.failed} failed`, style: view.failed ? pc.red : pc.dim });
  if (view.blocked > 0) parts.push({ text: ' · ' }, { text: `${view.blocked} blocked`, style: pc.yellow });
  parts.push({ text: ` · ${formatDuration(view.elapsedMs)} · ${view.spend ?? formatCost(view.costUsd)}` });
  return parts;
}

function columnWidths(rows: readonly WpRow[]): Columns {
  const widest = (heading: string, values: string[], cap = Infinity) =>
    Math.min(cap, Math.max(displayWidth(heading), ...values.map(displayWidth)));
  return {
    id: widest(
      'WP',
      rows.map((r) => r.id),
    ),
    lane: widest(
      'LANE',
      rows.map((r) => r.lane),
    ),
    agent: widest(
      'AGENT',
      rows.map((r) => r.agent ?? '-'),
      MAX_AGENT_COLUMN,
    ),
    attempt: widest('TRY', rows.map(attemptText)),
    time: widest(
      'TIME',
      rows.map((r) => formatDuration(r.durationMs)),
    ),
    cost: widest(
      'COST',
      rows.map((r) => formatCost(r.costUsd)),
    ),
  };
}

function headingSegments(c: Columns): Segment[] {
  const text = [
    cell('WP', c.id),
    cell('LANE', c.lane),
    cell('AGENT', c.agent),
    cell('TRY', c.attempt),
    cell('TIME', c.time),
    cell('COST', c.cost),
    'LAST OUTPUT',
  ].join(GAP);
  return [{ text, style: pc.dim }];
}

function rowSegments(row: WpRow, c: Columns): Segment[] {
  const agent = row.agent ?? '-';
  return [
    { text: cell(row.id, c.id) + GAP },
    { text: row.lane, style: laneStyle(row.lane) },
    { text: ' '.repeat(c.lane - displayWidth(row.lane)) + GAP },
    // An over-long agent id is cut here, not by the line, so the columns after it stay aligned.
    { text: cell(agent, c.agent) + GAP },
    { text: cell(attemptText(row), c.attempt) + GAP },
    { text: cell(formatDuration(row.durationMs), c.time) + GAP },
    { text: cell(formatCost(row.costUsd), c.cost) + GAP },
    lastColumn(row),
  ];
}

/**
 * What the last column says: the agent's latest line while it works, the error when the WP failed or is
 * blocked, otherwise its title (dimmed) so a waiting or finished row still says what the WP is.
 */
function lastColumn(row: WpRow): Segment {
  if (row.lane === 'failed' || row.lane === 'blocked') {
    const text = oneLine(row.lastError ?? row.lastLine ?? row.title);
    return { text, style: row.lane === 'failed' ? pc.red : pc.yellow };
  }
  const line = row.lastLine === null ? '' : oneLine(row.lastLine);
  if (ACTIVE.includes(row.lane) && line !== '') return { text: line };
  return { text: oneLine(row.title), style: pc.dim };
}

const attemptText = (row: WpRow): string => (row.attempt > 0 ? String(row.attempt) : '-');

/** Lower sorts first: which rows to keep when not all fit on screen. */
function rowPriority(lane: Lane): number {
  if (ACTIVE.includes(lane)) return 0;
  if (lane === 'failed') return 1;
  if (lane === 'blocked') return 2;
  if (lane === 'planned') return 3;
  return 4;
}

function fitRows(rows: readonly WpRow[], height: number | undefined): { shown: WpRow[]; hidden: WpRow[] } {
  // log-update ends the frame with a newline, which takes a row of its own.
  const room = height === undefined ? Infinity : Math.max(1, Math.floor(height) - 1 - HEADER_LINES);
  if (rows.length <= room) return { shown: [...rows], hidden: [] };
  const ranked = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rowPriority(a.row.lane) - rowPriority(b.row.lane) || a.index - b.index);
  const keep = new Set(ranked.slice(0, Math.max(0, room - 1)).map((r) => r.index));
  return {
    shown: rows.filter((_, index) => keep.has(index)),
    hidden: rows.filter((_, index) => !keep.has(index)),
  };
}

function hiddenNote(hidden: readonly WpRow[]): string {
  const byLane = new Map<string, number>();
  for (const row of hidden) byLane.set(row.lane, (byLane.get(row.lane) ?? 0) + 1);
  const parts = [...byLane].map(([lane, count]) => `${count} ${lane}`);
  return `… ${plural(hidden.length, 'more WP', 'more WPs')} (${parts.join(', ')})`;
}

type EventOf<T extends OrchestrationEvent['type']> = Extract<OrchestrationEvent, { type: T }>;

/** Summaries and reasons come from agents: one line, and short enough to read in a log. */
const MAX_DETAIL = 240;
const detail = (text: string): string => {
  const line = ellipsize(oneLine(text), MAX_DETAIL);
  return line === '' ? '' : `: ${line}`;
};

/**
 * One plain line per event, for logs and pipes (no colour, no redraw), prefixed by the local time:
 * `12:03:04 WP03 implementation started (claude-code, attempt 1)`.
 */
export function renderEventLine(event: OrchestrationEvent): string {
  return `${formatClock(event.at)} ${describeEvent(event)}`;
}

function describeEvent(event: OrchestrationEvent): string {
  switch (event.type) {
    case 'run_started':
      return `run ${event.runId} started: ${event.feature}, ${plural(event.workPackages.length, 'work package')}`;
    case 'run_resumed':
      return `run ${event.runId} resumed`;
    case 'lane_changed':
      return `${event.wp} -> ${event.lane}${detail(event.reason ?? '')}`;
    case 'attempt_started':
      return `${event.wp} ${event.role} started (${event.agent}, attempt ${event.attempt})`;
    case 'attempt_finished':
      return attemptFinished(event);
    case 'review_verdict': {
      const verdict = event.verdict === 'approved' ? 'approved' : 'changes requested';
      const findings = event.findings.length > 0 ? `, ${plural(event.findings.length, 'finding')}` : '';
      return `${event.wp} review: ${verdict} (${event.agent}${findings})${detail(event.summary)}`;
    }
    case 'fallback':
      return `${event.wp} ${event.role}: falling back from ${event.from} to ${event.to}${detail(event.reason)}`;
    case 'agent_cooldown':
      return `${event.agent} cooling down until ${formatClock(event.until)}${detail(event.reason)}`;
    case 'budget_set':
      return `budget: ${budgetLimits(event.budget)}`;
    case 'wp_failed':
      return `${event.wp} failed${detail(event.reason)}`;
    case 'wp_blocked':
      return `${event.wp} blocked by ${event.by}`;
    case 'run_finished':
      return `run ${event.status}${detail(event.message)}`;
  }
}

function attemptFinished(event: EventOf<'attempt_finished'>): string {
  const facts = [event.agent, `attempt ${event.attempt}`];
  if (!event.success && event.errorClass) facts.push(event.errorClass);
  if (!event.success && event.exitCode !== null) facts.push(`exit ${event.exitCode}`);
  facts.push(formatDuration(event.durationMs));
  if (event.costUsd !== undefined && event.costUsd > 0) facts.push(formatCost(event.costUsd));
  const outcome = event.success ? 'succeeded' : 'failed';
  return `${event.wp} ${event.role} ${outcome} (${facts.join(', ')})${detail(event.summary)}`;
}
