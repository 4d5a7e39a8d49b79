import * as core from '@actions/core';
import { spendLine } from '../report/budget-text.js';
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
