import * as core from '@actions/core';

/**
 * What the main step tells its post step (through `core.saveState`, which the runner keeps between the two).
 * Each value is saved as soon as it is known, so a main step killed half-way still leaves the post step what it
 * needs to save the state and finalise the reports.
 */
export type MainPhase =
  | 'refused' // fork PR refused: nothing to save or report
  | 'started' // the run may have begun: the post step must save and finalise
  | 'saved' // state saved after the run: the post step only finalises the reports
  | 'done'; // everything written: the post step has nothing to do

export interface StepState {
  phase: MainPhase | null;
  feature: string | null;
  /** Cache saves so far: the next one uses seq = saves + 1, so no two saves of one attempt share a key. */
  saves: number;
  commentId: number | null;
  checkRunId: number | null;
}

const KEYS = {
  phase: 'kitty-phase',
  feature: 'kitty-feature',
  saves: 'kitty-saves',
  commentId: 'kitty-comment-id',
  checkRunId: 'kitty-check-run-id',
} as const;

const PHASES: readonly string[] = ['refused', 'started', 'saved', 'done'];

const numberOrNull = (text: string): number | null => (/^\d+$/.test(text) ? Number(text) : null);

/** The state the main step saved (all unset in the main step itself). */
export function readStepState(): StepState {
  const phase = core.getState(KEYS.phase);
  return {
    phase: PHASES.includes(phase) ? (phase as MainPhase) : null,
    feature: core.getState(KEYS.feature) || null,
    saves: numberOrNull(core.getState(KEYS.saves)) ?? 0,
    commentId: numberOrNull(core.getState(KEYS.commentId)),
    checkRunId: numberOrNull(core.getState(KEYS.checkRunId)),
  };
}

/** Record one value for the post step; later calls win. */
export function saveStepState<K extends keyof StepState>(key: K, value: NonNullable<StepState[K]>): void {
  core.saveState(KEYS[key], String(value));
}
