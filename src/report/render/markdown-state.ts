import type { Lane } from '../../feature/types.js';
import type { RunView } from '../view-model.js';

/**
 * Where the reporter stands: `live` while the run goes on, `final` once it returned, `interrupted` when the
 * action's main step was cancelled or crashed before the run could finish (the post step then reports).
 */
export type ReportPhase = 'live' | 'final' | 'interrupted';

export interface ReportContext {
  phase: ReportPhase;
  /** Link to this workflow run attempt; null outside Actions. */
  runUrl: string | null;
  /** ISO time the report is made (a parameter, so renderers stay pure). */
  now: string;
  /** Where a WP's branch, diff and logs can be opened; absent outside Actions or without pushed branches. */
  links?: WpLinks | null;
}

export interface WpLinks {
  /** `https://github.com/<owner>/<repo>`. */
  repoUrl: string;
  /** The branch WPs branch off, for the compare view. */
  base: string;
  /** A WP's branch is `<branchPrefix><WP id>`. */
  branchPrefix: string;
  /** Artifact URLs of WPs whose logs were uploaded, by WP id. */
  logs: Readonly<Record<string, string>>;
}

/** A WP's branch, its compare view against the base, and its logs artifact (when uploaded), as markdown links. */
export function wpLinkList(links: WpLinks, wpId: string): string[] {
  const branch = `${links.branchPrefix}${wpId}`;
  const list = [
    `[branch](${links.repoUrl}/tree/${encodeURI(branch)})`,
    `[diff](${links.repoUrl}/compare/${encodeURI(links.base)}...${encodeURI(branch)})`,
  ];
  const logs = links.logs[wpId];
  if (logs) list.push(`[logs](${logs})`);
  return list;
}

/** What a reader needs to know at a glance, derived from the run's status, its WPs and the phase. */
export type RunState = 'running' | 'completed' | 'needs_attention' | 'paused' | 'failed' | 'cancelled';

export function runState(view: RunView, phase: ReportPhase): RunState {
  if (phase === 'interrupted') return 'cancelled';
  switch (view.status) {
    case 'running':
      // A run still "running" after the engine returned was stopped without recording its end.
      return phase === 'final' ? 'cancelled' : 'running';
    case 'completed':
      return 'completed';
    case 'paused':
      return view.failed > 0 ? 'needs_attention' : 'paused';
    case 'failed':
      return 'failed';
    case 'aborted':
    case 'interrupted':
      return 'cancelled';
  }
}

const HEADLINES: Record<RunState, string> = {
  running: '🔄 Running',
  completed: '✅ Completed',
  needs_attention: '⚠️ Needs attention',
  paused: '⏸️ Paused',
  failed: '❌ Failed',
  cancelled: '⏹️ Cancelled',
};

export function stateHeadline(state: RunState): string {
  return HEADLINES[state];
}

const LANE_ICONS: Record<Lane, string> = {
  planned: '⏳',
  claimed: '🔄',
  in_progress: '🔄',
  for_review: '👀',
  in_review: '👀',
  approved: '👍',
  done: '✅',
  blocked: '⛔',
  canceled: '⏹️',
  failed: '❌',
};

export function laneLabel(lane: Lane): string {
  return `${LANE_ICONS[lane]} ${lane.replace(/_/g, ' ')}`;
}

/** How to pick the run up again; empty when there is nothing to resume. */
export function resumeHint(state: RunState): string {
  switch (state) {
    case 'running':
    case 'completed':
      return '';
    case 'needs_attention':
      return (
        '**To resume**: fix the cause (an agent\u2019s key, quota or the WP\u2019s prompt), then re-run this job. ' +
        'State is restored from the Actions cache or the state ref: finished work packages are not run again.'
      );
    case 'paused':
    case 'failed':
    case 'cancelled':
      return (
        '**To resume**: re-run this job, or run the workflow for this branch by any trigger. State is restored ' +
        'from the Actions cache or the state ref: finished work packages are not run again.'
      );
  }
}

/**
 * A check run's conclusion. An escalation (a WP failed every agent) is `action_required`: a person must act
 * before a re-run can help. A run stopped by cancellation is `cancelled`; `null` while still running.
 */
export function checkRunConclusion(
  view: RunView,
  phase: ReportPhase,
): 'success' | 'failure' | 'action_required' | 'cancelled' | null {
  const state = runState(view, phase);
  switch (state) {
    case 'running':
      return null;
    case 'completed':
      return 'success';
    case 'needs_attention':
      return 'action_required';
    case 'failed':
      return 'failure';
    case 'paused':
    case 'cancelled':
      return 'cancelled';
  }
}
