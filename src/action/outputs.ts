import * as core from '@actions/core';
import { spendLine } from '../report/budget-text.js';
import { formatCost } from '../report/format.js';
import { runState, stateHeadline } from '../report/render/markdown-state.js';
import { toRunView } from '../report/view-model.js';
import type { OrchestrationRun } from '../state/types.js';

/**
 * Every output action.yml declares. Each gets a default before anything can fail, so a later step reading
 * `steps.<id>.outputs.status` sees `error` rather than an empty string after a crash.
 */
export const OUTPUT_DEFAULTS = {
  status: 'error',
  'wps-total': '0',
  'wps-done': '0',
  'wps-failed': '0',
  'wps-blocked': '0',
  'cost-usd': '0',
  tokens: '0',
  budget: '',
  escalation: '',
  'state-key': '',
} as const;
export type OutputName = keyof typeof OUTPUT_DEFAULTS;

export type SetOutput = (name: OutputName, value: string) => void;

const coreSetOutput: SetOutput = (name, value) => core.setOutput(name, value);

export function setDefaultOutputs(set: SetOutput = coreSetOutput): void {
  for (const [name, value] of Object.entries(OUTPUT_DEFAULTS)) set(name as OutputName, value);
}

/** The run's figures as outputs; `escalation` is set by the caller, who words it for the job's log. */
export function setRunOutputs(run: OrchestrationRun, set: SetOutput = coreSetOutput): void {
  const wps = Object.values(run.workPackages);
  const count = (lane: string) => String(wps.filter((wp) => wp.lane === lane).length);
  set('status', run.status);
  set('wps-total', String(wps.length));
  set('wps-done', count('done'));
  set('wps-failed', count('failed'));
  set('wps-blocked', count('blocked'));
  set('cost-usd', run.costUsd.toFixed(4));
  set('tokens', String(run.tokens.input + run.tokens.output));
  set('budget', spendLine(run) ?? '');
}

export function setOutput(name: OutputName, value: string): void {
  coreSetOutput(name, value);
}

/** The job log's last word: one `::notice::` line with the outcome, where a reader of the log looks first. */
export function outcomeLine(run: OrchestrationRun, cancelled: boolean, now = new Date()): string {
  const view = toRunView(run, now);
  const state = runState(view, cancelled ? 'interrupted' : 'final');
  return (
    `kitty-orchestrator · ${view.feature}: ${stateHeadline(state)}: ${view.done}/${view.total} work packages done, ` +
    `${view.failed} failed, ${view.blocked} blocked, cost ${formatCost(view.costUsd)}`
  );
}

export function announceOutcome(run: OrchestrationRun, cancelled: boolean): void {
  core.notice(outcomeLine(run, cancelled));
}
