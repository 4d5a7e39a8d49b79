/**
 * The summary printed when a run ends (and by `status`): what happened, what it cost, where the logs are,
 * and what to do next. A pure function of the view.
 */
import {
  formatCost,
  formatDuration,
  formatPercent,
  formatTokenUsage,
  oneLine,
  plural,
  wrapWords,
} from '../format.js';
import type { AgentUsage, RunView, WpRow } from '../view-model.js';
import { alignColumns, fitLine, laneStyle, pc, statusStyle, type Segment } from './terminal-text.js';

export interface SummaryOptions {
  /** Where the per-attempt logs of the run are. */
  logDir: string;
  color: boolean;
  /**
   * The feature as the user named it on the command line (a slug or a path), for the commands the summary
   * suggests; defaults to the run's feature.
   */
  featureRef?: string;
  /** The repository as the user named it, when it is not the current directory: the commands then carry --repo. */
  repoRef?: string;
  /** Columns to wrap the prose lines at, between words (default 80). */
  width?: number;
}

/** Totals, one row per WP, the agents used with their success rate, where the logs are, and the next step. */
export function renderSummary(view: RunView, opts: SummaryOptions): string {
  const render = (segments: readonly Segment[]) => fitLine(segments, Infinity, opts.color);
  const lines = [render(titleSegments(view))];
  const width = opts.width ?? 80;
  if (view.message) lines.push(...wrapWords(oneLine(view.message), width));
  lines.push(
    render(totalsSegments(view)),
    '',
    ...alignColumns([wpHeading(), ...view.rows.map(wpCells)]).map(render),
  );
  if (view.agents.length > 0) {
    lines.push('', render([{ text: 'Agents', style: pc.bold }]));
    lines.push(...alignColumns(view.agents.map(agentCells)).map((row) => `  ${render(row)}`));
  }
  lines.push('', render([{ text: 'Logs  ', style: pc.bold }, { text: opts.logDir }]));
  const next = wrapWords(nextStep(view, opts.featureRef ?? view.feature, opts.repoRef), width - 6);
  lines.push(render([{ text: 'Next  ', style: pc.bold }, { text: next[0] ?? '' }]));
  lines.push(...next.slice(1).map((line) => `      ${line}`));
  return lines.join('\n');
}

function titleSegments(view: RunView): Segment[] {
  const verb = view.status === 'running' ? 'for' : view.status === 'completed' ? 'in' : 'after';
  const segments: Segment[] = [
    { text: view.feature, style: pc.bold },
    { text: '  ' },
    { text: view.status, style: statusStyle(view.status) },
    { text: ` ${verb} ${formatDuration(view.elapsedMs)}` },
    { text: `  run ${view.runId}`, style: pc.dim },
  ];
  return segments;
}

function totalsSegments(view: RunView): Segment[] {
  const segments: Segment[] = [{ text: `${view.done}/${view.total} done` }];
  const add = (text: string, style?: (s: string) => string) =>
    segments.push({ text: ' · ' }, { text, style });
  if (view.failed > 0) add(`${view.failed} failed`, pc.red);
  if (view.blocked > 0) add(`${view.blocked} blocked`, pc.yellow);
  if (view.running > 0) add(`${view.running} in progress`, pc.cyan);
  add(plural(view.retries, 'retry', 'retries'));
  add(plural(view.fallbacks, 'fallback'));
  add(view.spend ?? formatCost(view.costUsd));
  add(`tokens ${formatTokenUsage(view.tokens)}`);
  return segments;
}

function wpHeading(): Segment[] {
  const headings = [
    'WP',
    'LANE',
    'IMPLEMENTER',
    'REVIEWER',
    'TRIES',
    'REVIEWS',
    'TIME',
    'COST',
    'TITLE / ERROR',
  ];
  return headings.map((text) => ({ text, style: pc.dim }));
}

function wpCells(row: WpRow): Segment[] {
  const broken = row.lane === 'failed' || row.lane === 'blocked';
  const note = broken && row.lastError ? oneLine(row.lastError) : oneLine(row.title);
  return [
    { text: row.id },
    { text: row.lane, style: laneStyle(row.lane) },
    { text: row.implementer ?? '-' },
    { text: row.reviewer ?? '-' },
    { text: row.attempt > 0 ? String(row.attempt) : '-' },
    { text: String(row.reviewRounds) },
    { text: formatDuration(row.durationMs) },
    { text: formatCost(row.costUsd) },
    { text: note, style: broken ? laneStyle(row.lane) : undefined },
  ];
}

function agentCells(agent: AgentUsage): Segment[] {
  return [
    { text: agent.agent },
    { text: agent.roles.join('+'), style: pc.dim },
    { text: plural(agent.attempts, 'attempt') },
    { text: `${agent.succeeded} ok` },
    { text: formatPercent(agent.succeeded, agent.attempts), style: rateStyle(agent) },
    { text: formatCost(agent.costUsd) },
    { text: `tokens ${formatTokenUsage(agent.tokens)}` },
    { text: agent.interrupted > 0 ? `(${agent.interrupted} interrupted)` : '', style: pc.dim },
  ];
}

function rateStyle(agent: AgentUsage): (text: string) => string {
  if (agent.attempts === 0) return pc.dim;
  if (agent.failed === 0) return pc.green;
  return agent.succeeded === 0 ? pc.red : pc.yellow;
}

/** The one thing to do next, with the exact command when there is one. */
export function nextStep(view: RunView, featureRef: string, repoRef?: string): string {
  const feature = `${shellQuote(featureRef)}${repoRef === undefined ? '' : ` --repo ${shellQuote(repoRef)}`}`;
  const resume = `kitty-orchestrator resume --feature ${feature}`;
  // A host that knows the way on (spec-kitty: accept, then merge) wrote it into the run's closing message.
  const hostNext = /Next: (.+)\.$/.exec(view.message ?? '')?.[1];
  switch (view.status) {
    case 'completed':
      return view.done === view.total
        ? (hostNext ??
            'review each WP branch, then merge them into your branch in dependency order ' +
              '(with spec-kitty lanes: `spec-kitty merge`)')
        : `the run ended with WPs not done; see above, then \`${resume}\``;
    case 'paused':
    case 'interrupted':
      return `\`${resume}\` continues where it stopped (finished WPs are kept)`;
    case 'failed':
      return `read the failed WPs' logs, fix the cause (docs/troubleshooting.md), then \`${resume}\``;
    case 'aborted':
      return `\`${resume}\` picks the run up again (finished WPs are kept)`;
    case 'running':
      return `still running: \`kitty-orchestrator status --feature ${feature}\` shows how it stands`;
  }
}

/** Quote an argument for a POSIX shell only when it needs it, so the usual slug is shown as typed. */
function shellQuote(arg: string): string {
  return /^[\w./:@%+=,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
