/** The feature reader's public surface: find a spec-kitty feature, read it, tick its subtasks. */
export type { Feature, Lane, Subtask, WorkPackage } from './types.js';
export { LANES } from './types.js';
export { readFeature } from './read.js';
export { listFeatures, resolveFeatureDir } from './resolve.js';
export { parseTasksMd, tickSubtasks } from './tasks-md.js';
export { parseLaneEvents, readLaneEvents, latestLanes, type LaneEvent, type LaneLog } from './events.js';
export { normaliseLane } from './lanes.js';
export { parseFrontmatter, splitFrontmatter, type SplitFile } from './frontmatter.js';
export { parseWorkPackageFile, type WpDraft } from './wp-file.js';
export { findCycle, validateWorkPackages, type WpNode } from './validate.js';
export { compareIds, WpIdResolver, wpKey } from './ids.js';
