import { codeBlock, cutHard, escapeInline, fitItems } from './markdown-text.js';
import { wpLinkList, type ReportContext } from './markdown-state.js';

/** What the escalation comment says about a WP that failed every agent. */
export interface EscalationInput {
  feature: string;
  wpId: string;
  title: string;
  /** Why the engine gave up (the WP's last error). */
  reason: string;
  attempts: {
    role: string;
    agent: string;
    attempt: number;
    errorClass: string | null;
    summary: string;
  }[];
  /** The tail of the last attempt's log, already redacted; null when no log could be read. */
  logTail: { file: string; text: string } | null;
}

const COMMENT_LIMIT = 65_536 - 536;
const MAX_ATTEMPT_ROWS = 30;

/** One escalation comment per WP and feature: re-posting after a re-run edits it instead of adding another. */
export function escalationMarker(feature: string, wpId: string): string {
  const safe = (text: string) => text.replace(/[^\w.-]/g, '_');
  return `<!-- kitty-orchestrator:escalation feature=${safe(feature)} wp=${safe(wpId)} -->`;
}

function attemptsTable(input: EscalationInput): string {
  const rows = input.attempts
    .slice(-MAX_ATTEMPT_ROWS)
    .map(
      (a) =>
        `| ${escapeInline(a.agent, 40)} | ${a.role} | ${a.attempt} | ${a.errorClass ?? '—'} | ${escapeInline(a.summary, 160)} |`,
    );
  const skipped = input.attempts.length - rows.length;
  return [
    '| Agent | Role | Attempt | Error | What it said |',
    '| --- | --- | ---: | --- | --- |',
    ...rows,
    ...(skipped > 0 ? [`\n_… ${skipped} earlier attempts not shown._`] : []),
  ].join('\n');
}

function logSection(tail: EscalationInput['logTail'], lines: number): string {
  if (!tail) return '_No log could be read for the last attempt._';
  const text = tail.text.split('\n').slice(-lines).join('\n');
  return [
    `<details><summary>Last ${lines} lines of <code>${escapeInline(tail.file, 200)}</code></summary>`,
    '',
    codeBlock(text || '(empty)'),
    '',
    '</details>',
  ].join('\n');
}

/**
 * The escalation comment: what failed, every attempt, the log's tail and how to resume. It is posted (once per
 * WP) because a progress comment edited in place notifies nobody, and a person has to act.
 */
export function renderEscalation(input: EscalationInput, ctx: ReportContext): string {
  const lineCount = input.logTail ? input.logTail.text.split('\n').length : 0;
  const render = (lines: number) =>
    [
      escalationMarker(input.feature, input.wpId),
      `### ⚠️ kitty-orchestrator · \`${input.feature}\` · ${input.wpId} failed every agent`,
      `**${input.wpId} · ${escapeInline(input.title, 120)}**: ${escapeInline(input.reason, 1000)}`,
      ctx.links ? `Open: ${wpLinkList(ctx.links, input.wpId).join(' · ')}` : '',
      attemptsTable(input),
      logSection(input.logTail, lines),
      '**To resume**: fix the cause (for example an agent\u2019s API key, quota or model, or the WP\u2019s prompt), ' +
        'then re-run this job (or run the workflow again by any trigger for this branch). The orchestrator restores ' +
        'its state from the Actions cache or the state ref it pushes: finished work packages ' +
        `are not run again and ${input.wpId} starts over, with its dependents.` +
        (ctx.runUrl ? ` [Workflow run](${ctx.runUrl})` : ''),
    ]
      .filter((part) => part !== '')
      .join('\n\n');
  const text = fitItems(render, lineCount, COMMENT_LIMIT, '_(cut to fit GitHub\u2019s size limit)_');
  return cutHard(text, COMMENT_LIMIT, '_(cut to fit GitHub\u2019s size limit)_');
}

/** The escalation comment once its WP got done after all: edited in place, so nobody acts on a stale alarm. */
export function renderEscalationResolved(
  input: { feature: string; wpId: string; title: string },
  ctx: ReportContext,
): string {
  return [
    escalationMarker(input.feature, input.wpId),
    `### ✅ kitty-orchestrator · \`${input.feature}\` · ${input.wpId} resolved`,
    `**${input.wpId} · ${escapeInline(input.title, 120)}** failed every agent earlier; a later run completed it ` +
      `(${ctx.now.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}). Nothing to do here any more.` +
      (ctx.runUrl ? ` [Workflow run](${ctx.runUrl})` : ''),
  ].join('\n\n');
}
