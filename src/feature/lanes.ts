import { LANES, type Lane } from './types.js';

/** Old or informal lane names spec-kitty has written over the years. */
const ALIASES: Readonly<Record<string, Lane>> = {
  doing: 'in_progress',
  inprogress: 'in_progress',
  review: 'for_review',
  forreview: 'for_review',
  inreview: 'in_review',
  cancelled: 'canceled',
};

const KNOWN = new Set<string>(LANES);

/**
 * Maps a lane string from spec-kitty (event log, frontmatter or legacy folder name) onto our Lane.
 * `In Progress`, `in-progress` and `doing` all mean `in_progress`. Unknown strings give `planned` plus a
 * warning naming `where`, because a lane we cannot read must not stop the run: the WP is simply offered again.
 */
export function normaliseLane(raw: unknown, where: string): { lane: Lane; warning?: string } {
  if (typeof raw === 'string') {
    const snake = raw
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (KNOWN.has(snake)) return { lane: snake as Lane };
    const alias = ALIASES[snake.replace(/_/g, '')];
    if (alias !== undefined) return { lane: alias };
  }
  return {
    lane: 'planned',
    warning: `${where}: unknown lane ${JSON.stringify(raw)}, treating it as planned`,
  };
}

/** True when a folder name under tasks/ is a pre-0.9 lane folder (`planned`, `doing`, `for_review`, `done`). */
export function isLaneFolder(name: string): boolean {
  return normaliseLane(name, '').warning === undefined;
}
