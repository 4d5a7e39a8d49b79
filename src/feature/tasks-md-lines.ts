/**
 * Line-level reading of tasks.md shared by the parser and tickSubtasks: which WP section a line belongs to,
 * and what a subtask line says. Keeping both on one walker guarantees that the lines tickSubtasks ticks are
 * exactly the lines the parser attributes to that WP.
 */
import type { Subtask } from './types.js';

export interface SectionLine {
  /** Index of the line in the input split on \n. */
  index: number;
  /** The line without its \r and leading BOM. */
  text: string;
  /** The WP whose section the line sits in (as written in the heading, e.g. WP01 or WP1), or null. */
  section: string | null;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING_WP =
  /^[^\p{L}\p{N}]*(?:(WP[\s_-]?\d+)(?!\d)|work[\s_-]*package[\s:#-]*(?:(WP[\s_-]?\d+)(?!\d)|(\d+)(?!\d)))/iu;

/** `WP 01` / `wp-1` -> `WP01` / `WP1` (spacing removed, upper-cased; the number kept as written). */
export function tidyWp(text: string): string {
  return text.replace(/[\s_-]+/g, '').toUpperCase();
}

/** The WP a heading opens, if it is a WP heading (`## Work Package WP01: Title`, `## WP01 - Title`, `### WP01`). */
export function headingWp(heading: string): string | undefined {
  const m = HEADING_WP.exec(heading);
  if (m === null) return undefined;
  const wp = m[1] ?? m[2];
  if (wp !== undefined) return tidyWp(wp);
  return m[3] !== undefined ? `WP${m[3]}` : undefined;
}

/**
 * Walks tasks.md lines outside code fences and headings, telling each line's WP section. A WP heading opens
 * a section; a later non-WP heading of the same or a higher level closes it (subheadings like
 * `### Included Subtasks` stay inside).
 */
export function* walkSections(lines: readonly string[]): Generator<SectionLine> {
  let fence: string | null = null;
  let section: string | null = null;
  let sectionLevel = 0;
  for (let index = 0; index < lines.length; index++) {
    const text = (lines[index] ?? '').replace(/\r$/, '').replace(/^\uFEFF/, '');
    const fenceMark = FENCE.exec(text)?.[1];
    if (fence !== null) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length)
        fence = null;
      continue;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      continue;
    }
    const heading = HEADING.exec(text);
    if (heading !== null) {
      const level = heading[1]?.length ?? 1;
      const wp = headingWp(heading[2] ?? '');
      if (wp !== undefined) [section, sectionLevel] = [wp, level];
      else if (level <= sectionLevel) [section, sectionLevel] = [null, 0];
      continue;
    }
    yield { index, text, section };
  }
}

const BULLET = String.raw`^\s*(?:[-*+]|\d+[.)])\s+`;
/** `- [ ] ...`, `* [X] ...`, `1. [x] ...`: group 1 is the box character, group 2 the item text. */
export const CHECKBOX = new RegExp(`${BULLET}\\[([ xX])\\]\\s+(.*)$`);
const DONE_MARK = new RegExp(`${BULLET}(?:✅|✔️?|☑️?)\\s*(.*)$`, 'u');
const PLAIN_ITEM = new RegExp(`${BULLET}(.*)$`);

export interface SubtaskLine {
  subtask: Subtask;
  /** The WP the line names itself, `(WP01)` or `[WP01]`, if any. */
  tag: string | undefined;
  checkbox: boolean;
}

/**
 * Reads a subtask line: a checkbox item, a `✅` item, or (inside a WP section) a plain bullet or a bare line
 * starting with a T-id. Lines without a T-id are not subtasks.
 */
export function readSubtaskLine(text: string, inSection: boolean): SubtaskLine | undefined {
  const box = CHECKBOX.exec(text);
  if (box !== null) return itemText(box[2] ?? '', box[1] !== ' ', true);
  const done = DONE_MARK.exec(text);
  if (done !== null) return itemText(done[1] ?? '', true, false);
  if (!inSection) return undefined;
  const plain = PLAIN_ITEM.exec(text);
  return itemText(plain !== null ? (plain[1] ?? '') : text, false, false);
}

const ITEM_ID = /^(?:\*\*|__|`|\[)?(T\d+)(?:\*\*|__|`|\])?(?![\w])/i;
const WP_TAG = /[([](WP[\s_-]?\d+)[)\]]/gi;

function itemText(raw: string, done: boolean, checkbox: boolean): SubtaskLine | undefined {
  let text = raw.trim();
  let parallel = false;
  // `[P]` may come before or after the id: `[P] T001 ...`, `T001 [P] ...`.
  const take = (): void => {
    const p = /^\[P\]\s*/i.exec(text);
    if (p !== null) [parallel, text] = [true, text.slice(p[0].length)];
  };
  take();
  const id = ITEM_ID.exec(text);
  if (id?.[1] === undefined) return undefined;
  text = text.slice(id[0].length).replace(/^(?:\*\*|__)?\s*[:.\-–—]?\s*(?:\*\*|__)?\s*/, '');
  take();
  if (/\[P\]/.test(text)) [parallel, text] = [true, text.replace(/\s*\[P\]\s*/g, ' ')];
  let tag: string | undefined;
  for (const m of text.matchAll(WP_TAG)) tag = tidyWp(m[1] ?? '');
  const title = text.replace(/\s*[([]WP[\s_-]?\d+[)\]]\s*$/i, '').trim();
  return { subtask: { id: id[1].toUpperCase(), title, done, parallel }, tag, checkbox };
}

/** `**Subtasks**: T001, T002` or `Included subtasks: T001–T004` inside a WP section: the ids it lists. */
export function readInlineSubtasks(text: string): string[] | undefined {
  const m = /^\s*(?:[-*+]\s+)?(?:included\s+)?sub-?tasks?\b[^:]*:\s*(.+)$/i.exec(text.replace(/[*_]/g, ''));
  if (m?.[1] === undefined) return undefined;
  const ids: string[] = [];
  for (const r of m[1].matchAll(/T(\d+)(?:\s*(?:-|–|—|\.\.|to)\s*T(\d+))?/gi)) {
    const [from, to] = [r[1] ?? '', r[2]];
    const [a, b] = [Number(from), Number(to)];
    // Expand ranges like T001-T004; a backwards or huge "range" is more likely prose, so keep the ends.
    if (to !== undefined && b >= a && b - a <= 200) {
      for (let n = a; n <= b; n++) ids.push(`T${String(n).padStart(from.length, '0')}`);
    } else {
      ids.push(`T${from}`);
      if (to !== undefined) ids.push(`T${to}`);
    }
  }
  return ids;
}
