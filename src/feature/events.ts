/**
 * spec-kitty 3.x `status.events.jsonl`: the append-only source of truth for lanes. The log is spec-kitty's,
 * not ours, so we never throw over its contents: unreadable lines become warnings.
 */
import { readFile } from 'node:fs/promises';

export interface LaneEvent {
  wpId: string;
  /** The lane as written; normalise with normaliseLane. */
  toLane: string;
  fromLane: string | undefined;
  at: string | undefined;
  eventId: string | undefined;
  reviewRef: unknown;
  /** 1-based line number in the log. */
  line: number;
}

export interface LaneLog {
  /** Lane changes in spec-kitty's replay order (see readLaneEvents); the last one per WP wins. */
  events: LaneEvent[];
  warnings: string[];
}

/**
 * Reads lane-change events from a status.events.jsonl text. Keeps only objects with string `wp_id` and
 * `to_lane` (other lines are annotations and lifecycle records). Blank lines and a truncated last line (a
 * writer interrupted mid-append) are skipped silently; any other unparseable line is skipped with a warning
 * naming `path` and the line number.
 */
export function parseLaneEvents(text: string, path: string): LaneLog {
  const events: LaneEvent[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  // Only the last line can be a torn append, and only when the file does not end with a newline.
  const tornLast = text.endsWith('\n') ? -1 : lines.length - 1;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i !== tornLast) warnings.push(`${path}:${i + 1}: ignored a line that is not valid JSON`);
      return;
    }
    const event = toLaneEvent(value, i + 1);
    if (event !== undefined) events.push(event);
  });
  return { events: replayOrder(events), warnings };
}

/** The log's text; undefined when the feature has none (no 3.x log: lanes come from elsewhere). */
export async function readStatusLogText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads and parses the log; a missing file gives undefined. */
export async function readLaneEvents(path: string, displayPath = path): Promise<LaneLog | undefined> {
  const text = await readStatusLogText(path);
  return text === undefined ? undefined : parseLaneEvents(text, displayPath);
}

function toLaneEvent(value: unknown, line: number): LaneEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.wp_id !== 'string' || typeof v.to_lane !== 'string') return undefined;
  const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  return {
    wpId: v.wp_id.trim(),
    toLane: v.to_lane,
    fromLane: text(v.from_lane),
    at: text(v.at),
    eventId: text(v.event_id),
    reviewRef: v.review_ref,
    line,
  };
}

/**
 * spec-kitty's own reducer replays the log deduplicated by `event_id` (first copy kept) and sorted by
 * (`at`, `event_id`), because git merges of parallel branches interleave lines out of time order. We do the
 * same so our lanes agree with `spec-kitty` on a merged log. Events without `at` keep their file position
 * relative to each other (the sort is stable).
 */
function replayOrder(events: LaneEvent[]): LaneEvent[] {
  const seen = new Set<string>();
  const unique = events.filter((e) => {
    if (e.eventId === undefined) return true;
    if (seen.has(e.eventId)) return false;
    seen.add(e.eventId);
    return true;
  });
  if (!unique.every((e) => e.at !== undefined)) return unique;
  return unique
    .map((e, i) => ({ e, i, t: Date.parse(e.at ?? '') }))
    .sort((a, b) => compareTime(a.t, b.t, a.e.at, b.e.at) || cmp(a.e.eventId, b.e.eventId) || a.i - b.i)
    .map(({ e }) => e);
}

function compareTime(ta: number, tb: number, a?: string, b?: string): number {
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return cmp(a, b);
}

function cmp(a: string | undefined, b: string | undefined): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

/**
 * The latest lane per WP. On an exact timestamp tie spec-kitty lets a reviewer's rollback (back to
 * in_progress from review) beat a concurrent forward move, so we do too.
 */
export function latestLanes(events: readonly LaneEvent[]): Map<string, LaneEvent> {
  const latest = new Map<string, LaneEvent>();
  for (const event of events) {
    const current = latest.get(event.wpId);
    const tie = current !== undefined && current.at !== undefined && current.at === event.at;
    if (tie && isRollback(current) && !isRollback(event)) continue;
    latest.set(event.wpId, event);
  }
  return latest;
}

function isRollback(e: LaneEvent): boolean {
  const to = e.toLane.toLowerCase();
  if (to !== 'in_progress' && to !== 'doing') return false;
  const from = e.fromLane?.toLowerCase();
  return from === 'in_review' || (from === 'for_review' && e.reviewRef !== undefined && e.reviewRef !== null);
}
