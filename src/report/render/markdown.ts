import type { ReviewFinding } from '../../agents/types.js';
import { RUNNING_LANES, type RunView, type WpRow } from '../view-model.js';
import { clip, escapeInline, fitItems, formatCost, formatCount, formatDuration } from './markdown-text.js';
import {
  laneLabel,
  resumeHint,
  runState,
  stateHeadline,
  wpLinkList,
  type ReportContext,
  type WpLinks,
} from './markdown-state.js';

export {
  checkRunConclusion,
  runState,
  type ReportContext,
  type ReportPhase,
  type RunState,
} from './markdown-state.js';
export {
  escalationMarker,
  renderEscalation,
  renderEscalationResolved,
  type EscalationInput,
} from './markdown-escalation.js';

/**
 * GitHub's size limits (characters for comments and check runs, bytes for the job summary), with a margin:
 * a body over the limit is a 422, and a report that fails to post is worse than a shortened one.
 */
export const LIMITS = {
  comment: 65_536 - 536,
  checkRunField: 65_535 - 535,
  jobSummaryBytes: 1024 * 1024 - 24 * 1024,
} as const;

/** A WP's latest review, for the check run's text. */
export interface ReviewNote {
  wpId: string;
  verdict: string;
  summary: string;
  findings: ReviewFinding[];
}

/** The hidden marker that identifies a feature's progress comment among all of a PR's comments. */
export function commentMarker(feature: string): string {
  return `<!-- kitty-orchestrator:progress feature=${feature.replace(/[^\w.-]/g, '_')} -->`;
}

const TABLE_HEAD =
  '| WP | Title | Lane | Implementer | Reviewer | Attempts | Review rounds | Duration | Cost | Notes |\n' +
  '| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |';

/** Done WPs beyond this many are folded into a `<details>` block: the open ones are what a reader looks for. */
export const DONE_FOLD_THRESHOLD = 10;

/** A WP that was running when the run stopped is not running any more: it shows as stopped. */
function rowLane(row: WpRow, stopped: boolean): string {
  return stopped && RUNNING_LANES.includes(row.lane) ? '⏹️ stopped' : laneLabel(row.lane);
}

/** A row's links: only for a WP that started (a branch exists), and only when the renderer has them. */
function rowLinks(row: WpRow, links: WpLinks | null): string {
  if (!links || (row.attempt === 0 && row.lane !== 'done')) return '';
  return wpLinkList(links, row.id).join(' · ');
}

function tableRow(row: WpRow, stopped: boolean, links: WpLinks | null): string {
  const note = [rowLinks(row, links), row.lastError ? escapeInline(row.lastError, 80) : '']
    .filter(Boolean)
    .join(' · ');
  const cells = [
    row.id,
    escapeInline(row.title, 60),
    rowLane(row, stopped),
    row.implementer ?? '—',
    row.reviewer ?? '—',
    String(row.attempt),
    String(row.reviewRounds),
    formatDuration(row.durationMs),
    formatCost(row.costUsd),
    note,
  ];
  return `| ${cells.join(' | ')} |`;
}

/**
 * The WP table with its first `count` rows and a note for the rest. Past DONE_FOLD_THRESHOLD done WPs, the open
 * ones come first and the done ones go into a folded `<details>` block under them.
 */
function wpTable(
  rows: readonly WpRow[],
  count: number,
  elsewhere: string,
  stopped: boolean,
  links: WpLinks | null,
): string {
  const done = rows.filter((row) => row.lane === 'done');
  // Folded done rows go without links: 200 WPs' links alone would not fit in a comment.
  const table = (some: readonly WpRow[], withLinks = links) =>
    [TABLE_HEAD, ...some.map((row) => tableRow(row, stopped, withLinks))].join('\n');
  const parts: string[] = [];
  if (done.length > DONE_FOLD_THRESHOLD) {
    const open = rows.filter((row) => row.lane !== 'done');
    const shownDone = done.slice(0, Math.max(0, count - open.length));
    if (open.length) parts.push(table(open.slice(0, count)));
    if (shownDone.length) {
      const summary = `✅ ${done.length} work packages done`;
      parts.push(`<details><summary>${summary}</summary>\n\n${table(shownDone, null)}\n\n</details>`);
    }
  } else {
    parts.push(table(rows.slice(0, count)));
  }
  if (count < rows.length) {
    parts.push(
      `_… and ${rows.length - count} more work packages not shown here (size limit); ${elsewhere}._`,
    );
  }
  return parts.join('\n\n');
}

/** Who did what over the run: one row per agent, both roles together. */
function agentTable(view: RunView): string {
  if (view.agents.length === 0) return '';
  const lines = [
    '| Agent | Roles | Attempts | Succeeded | Failed | Cost | Tokens in / out |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...view.agents.map(
      (a) =>
        `| ${escapeInline(a.agent, 40)} | ${a.roles.join(', ')} | ${a.attempts} | ${a.succeeded} | ${a.failed} | ` +
        `${formatCost(a.costUsd)} | ${formatCount(a.tokens.input)} / ${formatCount(a.tokens.output)} |`,
    ),
  ];
  return lines.join('\n');
}

function heading(view: RunView, ctx: ReportContext): string {
  return `### 🐱 kitty-orchestrator · \`${view.feature}\` · ${stateHeadline(runState(view, ctx.phase))}`;
}

function totalsLine(view: RunView, ctx: ReportContext): string {
  const stopped = runState(view, ctx.phase) !== 'running';
  const parts = [
    `**${view.done}/${view.total} done**`,
    ...(!stopped ? [`${view.running} running`] : view.running > 0 ? [`${view.running} stopped`] : []),
    `${view.failed} failed`,
    `${view.blocked} blocked`,
    `elapsed ${formatDuration(view.elapsedMs)}`,
    `cost ${formatCost(view.costUsd)}`,
  ];
  // Spend against the spending limits (budget.*), only when the run has any.
  if (view.spend) parts.push(`budget: ${view.spend}`);
  if (ctx.runUrl) parts.push(`[workflow run](${ctx.runUrl})`);
  return parts.join(' · ');
}

/**
 * What needs saying above the table: which WPs failed every agent and what is blocked behind them, and how to
 * resume. The engine's own message is written for a terminal (it names CLI commands and local paths), so it is
 * shown only when the run failed outright and there is nothing better to say.
 */
function messageBlock(view: RunView, ctx: ReportContext): string {
  const state = runState(view, ctx.phase);
  const lines: string[] = [];
  const ids = (lane: string) => view.rows.filter((row) => row.lane === lane).map((row) => row.id);
  if (state === 'needs_attention') {
    const blocked = ids('blocked');
    const failed = clip(ids('failed').join(', '), 500);
    lines.push(
      `> **${view.failed} work package(s) failed with every agent**: ${failed}` +
        (blocked.length ? `; blocked behind them: ${clip(blocked.join(', '), 500)}.` : '.'),
    );
  } else if (state === 'failed' && view.message) {
    lines.push(`> ${escapeInline(view.message, 2000)}`);
  }
  const hint = resumeHint(state);
  if (hint) lines.push(`${lines.length ? '>\n' : ''}> ${hint}`);
  return lines.join('\n');
}

function footer(view: RunView, ctx: ReportContext): string {
  return (
    `<sub>Updated ${ctx.now.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')} · run \`${view.runId}\` · ` +
    `retries ${view.retries} · fallbacks ${view.fallbacks} · tokens ${formatCount(view.tokens.input)} in / ` +
    `${formatCount(view.tokens.output)} out</sub>`
  );
}

function body(view: RunView, ctx: ReportContext, count: number, elsewhere: string): string {
  return [
    heading(view, ctx),
    totalsLine(view, ctx),
    messageBlock(view, ctx),
    wpTable(view.rows, count, elsewhere, runState(view, ctx.phase) !== 'running', ctx.links ?? null),
    agentTable(view),
    footer(view, ctx),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

const CUT_NOTE = '_(cut to fit GitHub\u2019s size limit)_';

/** The progress comment: marker first (it survives any cut), then the run's state and its WP table. */
export function renderComment(view: RunView, ctx: ReportContext): string {
  const marker = commentMarker(view.feature);
  const render = (count: number) => `${marker}\n${body(view, ctx, count, 'the job summary lists them all')}`;
  return fitItems(render, view.rows.length, LIMITS.comment, CUT_NOTE);
}

/** The job summary: the same table, every row if it fits in GitHub's 1 MiB. */
export function renderJobSummary(view: RunView, ctx: ReportContext): string {
  const render = (count: number) =>
    body(view, ctx, count, 'the run\u2019s event log in the Actions cache has them all');
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a third of the byte limit in characters always fits.
  return fitItems(
    render,
    view.rows.length,
    LIMITS.jobSummaryBytes,
    CUT_NOTE,
    bytes,
    Math.floor(LIMITS.jobSummaryBytes / 3),
  );
}

function findingsSection(note: ReviewNote): string {
  const verdict = note.verdict.replace(/_/g, ' ');
  const lines = [`#### ${note.wpId} · ${verdict}`, '', escapeInline(note.summary, 1000)];
  for (const finding of note.findings) {
    const where = finding.location ? `\`${clip(finding.location.replace(/`/g, "'"), 200)}\`: ` : '';
    lines.push(`- ${where}${escapeInline(finding.message, 500)}`);
  }
  return lines.join('\n');
}

/** A check run's output: title, summary (state + table) and text (the review findings), each within 65,535. */
export function renderCheckRunOutput(
  view: RunView,
  reviews: readonly ReviewNote[],
  ctx: ReportContext,
): { title: string; summary: string; text: string } {
  const state = runState(view, ctx.phase);
  const title = clip(`${stateHeadline(state)}: ${view.done}/${view.total} work packages done`, 200);
  const summary = fitItems(
    (count) => body(view, ctx, count, 'the job summary lists them all'),
    view.rows.length,
    LIMITS.checkRunField,
    CUT_NOTE,
  );
  const sections = reviews.map(findingsSection);
  const renderText = (count: number) =>
    [
      '## Review findings',
      ...(sections.length ? sections.slice(0, count) : ['_No reviews yet._']),
      ...(count < sections.length
        ? [`_… and ${sections.length - count} more reviews not shown (size limit)._`]
        : []),
    ].join('\n\n');
  const text = fitItems(renderText, sections.length, LIMITS.checkRunField, CUT_NOTE);
  return { title, summary, text };
}
