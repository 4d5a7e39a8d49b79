/** Lanes a WP moves through. spec-kitty's names, plus `failed` which only our own state uses. */
export const LANES = [
  'planned',
  'claimed',
  'in_progress',
  'for_review',
  'in_review',
  'approved',
  'done',
  'blocked',
  'canceled',
  'failed',
] as const;
export type Lane = (typeof LANES)[number];

export interface Subtask {
  /** e.g. T001 */
  id: string;
  /** Text after the id in tasks.md ('' when only the id is known). */
  title: string;
  done: boolean;
  /** Marked `[P]`: safe to do in parallel with its siblings. */
  parallel: boolean;
}

export interface WorkPackage {
  /** e.g. WP01 */
  id: string;
  title: string;
  dependencies: string[];
  subtasks: Subtask[];
  ownedFiles: string[];
  lane: Lane;
  /** Absolute path of the WP's prompt file. */
  promptFile: string;
  /** The markdown body after the frontmatter: the prompt an implementer gets. */
  body: string;
}

export interface Feature {
  /** Directory name under kitty-specs/, e.g. 001-checkout-flow */
  slug: string;
  /** Absolute path of the feature directory. */
  dir: string;
  /** Sorted by id. */
  workPackages: WorkPackage[];
}
