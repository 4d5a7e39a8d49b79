/**
 * tasks.md: the per-WP subtask checklist. Real files mix formats (spec-kitty versions and hand edits):
 * `## Work Package WP01: Title` / `## WP01 - Title` / `#### WP01: Title` sections holding
 * `- [ ] T001 [P] text` checkboxes, `- ✅ T001` items, bare `T001 text` lines or `**Subtasks**: T001, T002`,
 * and pipe tables with a WP column. parseTasksMd reads them all; tickSubtasks marks one WP's boxes done.
 */
import { mergeSubtask } from './fields.js';
import { wpKey } from './ids.js';
import { isTableLine, readTable } from './tasks-md-table.js';
import { CHECKBOX, readInlineSubtasks, readSubtaskLine, walkSections } from './tasks-md-lines.js';
import type { Subtask } from './types.js';

/** Collects subtasks per WP, merged by id in order of first appearance. */
class SubtaskMap {
  readonly byWp = new Map<string, Map<string, Subtask>>();

  add(wp: string, subtask: Subtask): void {
    let list = this.byWp.get(wp);
    if (list === undefined) this.byWp.set(wp, (list = new Map<string, Subtask>()));
    const prev = list.get(subtask.id);
    list.set(subtask.id, prev === undefined ? subtask : mergeSubtask(prev, subtask));
  }

  result(): Map<string, Subtask[]> {
    return new Map([...this.byWp].map(([wp, list]) => [wp, [...list.values()]]));
  }
}

/**
 * Parses tasks.md into subtasks per WP. Keys are WP ids as tasks.md writes them (`WP01`, or `WP1` for
 * `Work Package 1`); match them to real ids with WpIdResolver. Never throws: unreadable lines are skipped.
 */
export function parseTasksMd(text: string): Map<string, Subtask[]> {
  const out = new SubtaskMap();
  let table: { lines: string[]; section: string | null } | null = null;
  const flushTable = (): void => {
    if (table === null) return;
    for (const row of readTable(table.lines)) {
      const wp = row.wp ?? table.section;
      if (wp !== null) out.add(wp, row.subtask);
    }
    table = null;
  };
  let previousIndex = -2;
  for (const { index, text: line, section } of walkSections(text.split('\n'))) {
    // A heading or fence between two table lines ends the table even though the walker skipped it.
    if (index !== previousIndex + 1) flushTable();
    previousIndex = index;
    if (isTableLine(line)) {
      table ??= { lines: [], section };
      table.lines.push(line);
      continue;
    }
    flushTable();
    readLine(line, section, out);
  }
  flushTable();
  return out.result();
}

function readLine(line: string, section: string | null, out: SubtaskMap): void {
  const item = readSubtaskLine(line, section !== null);
  if (item !== undefined) {
    const wp = section ?? item.tag;
    if (wp !== undefined) out.add(wp, item.subtask);
    return;
  }
  if (section === null) return;
  for (const id of readInlineSubtasks(line) ?? []) {
    out.add(section, { id, title: '', done: false, parallel: false });
  }
}

/**
 * Ticks (`[ ]` -> `[x]`) every checkbox subtask that parseTasksMd attributes to `wpId` (its section, or its
 * own `(WP01)` tag outside any section). Everything else, line endings included, stays byte-identical;
 * calling it twice changes nothing more. `wpId` matches loosely (`WP1` ticks a `## WP01` section).
 */
export function tickSubtasks(tasksMd: string, wpId: string): string {
  const target = wpKey(wpId);
  const lines = tasksMd.split('\n');
  let changed = false;
  for (const { index, text, section } of walkSections(lines)) {
    const box = CHECKBOX.exec(text);
    if (box?.[1] !== ' ') continue;
    const item = readSubtaskLine(text, section !== null);
    const wp = section ?? item?.tag;
    if (item === undefined || wp === undefined || wpKey(wp) !== target) continue;
    const original = lines[index] ?? '';
    // Replace only the box character: the first `[ ]` after the bullet (the BOM, if any, stays put).
    lines[index] = original.replace(/^(\uFEFF?\s*(?:[-*+]|\d+[.)])\s+\[) \]/, '$1x]');
    changed = true;
  }
  return changed ? lines.join('\n') : tasksMd;
}
