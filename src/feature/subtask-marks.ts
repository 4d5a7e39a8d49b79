/**
 * spec-kitty 3.x does not tick boxes in tasks.md (it is generated): `spec-kitty agent tasks mark-status`
 * records subtask completion as annotations in status.events.jsonl,
 * `{"kind":"annotation","wp_id":"WP01","delta":{"subtasks":{"T001":"done"}}}`. The last mark of a subtask wins.
 */
import type { WorkPackage } from './types.js';

/** Per WP id as written, per subtask id: whether its last mark says done. */
export type SubtaskMarks = Map<string, Map<string, boolean>>;

export function parseSubtaskMarks(text: string): SubtaskMarks {
  const marks: SubtaskMarks = new Map();
  for (const line of text.split('\n')) {
    // Cheap filter first: most lines are lane changes, and a log may hold thousands.
    if (!line.includes('"subtasks"')) continue;
    const record = parseObject(line);
    const delta = record?.delta as Record<string, unknown> | undefined;
    const subtasks = delta?.subtasks;
    if (typeof record?.wp_id !== 'string' || subtasks === null || typeof subtasks !== 'object') continue;
    const wp = marks.get(record.wp_id) ?? new Map<string, boolean>();
    for (const [id, status] of Object.entries(subtasks)) wp.set(id, status === 'done');
    marks.set(record.wp_id, wp);
  }
  return marks;
}

/** The WPs with their subtasks' done flags as last marked (`resolve` maps a logged WP id to ours). */
export function applySubtaskMarks(
  workPackages: WorkPackage[],
  marks: SubtaskMarks,
  resolve: (wpId: string) => string | undefined,
): WorkPackage[] {
  if (marks.size === 0) return workPackages;
  const byWp = new Map<string, Map<string, boolean>>();
  for (const [wpId, wpMarks] of marks) {
    const id = resolve(wpId.trim());
    if (id !== undefined) byWp.set(id, new Map([...(byWp.get(id) ?? []), ...wpMarks]));
  }
  return workPackages.map((wp) => {
    const wpMarks = byWp.get(wp.id);
    if (wpMarks === undefined) return wp;
    return { ...wp, subtasks: wp.subtasks.map((s) => ({ ...s, done: wpMarks.get(s.id) ?? s.done })) };
  });
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A torn last line: the lane reader warns about bad lines; marks are only a display here.
    return undefined;
  }
}
