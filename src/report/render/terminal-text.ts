/**
 * Terminal text geometry: how many columns a string takes, and lines built from styled segments that are
 * cut to a width before colour is applied. The live view redraws in place by erasing the lines it printed;
 * a line that wraps adds a line it does not know about and the redraw walks up the screen. So every line it
 * prints must fit, and widths are estimated conservatively: when unsure, a character counts as wide.
 */
import picocolors from 'picocolors';
import type { Lane } from '../../feature/types.js';
import type { ViewStatus } from '../view-model.js';

/**
 * Colours that are always on: whether to colour is the caller's choice (`color`), applied in `fitLine`,
 * not picocolors' guess from the environment of whichever process happens to render.
 */
export const pc = picocolors.createColors(true);

/** A piece of a line: plain text, and the colour it gets when colour is on. */
export interface Segment {
  text: string;
  style?: (text: string) => string;
}

// Ranges terminals draw two columns wide: Hangul Jamo, CJK (radicals to compatibility ideographs), Hangul
// syllables, fullwidth forms, regional indicators (flags), the emoji and symbol blocks, CJK extensions B+.
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18aff],
  [0x1b000, 0x1b16f],
  [0x1f1e6, 0x1f1ff],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1faff],
  [0x20000, 0x3fffd],
];

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/**
 * Columns one code point takes. Never under-estimates for the text we meet: CJK, fullwidth forms and
 * anything pictographic count 2 (some pictographs are drawn narrow: counting them wide only cuts a line a
 * little early); combining marks and zero-width joiners count 1 rather than 0 for the same reason.
 */
export function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  // Below U+00A9 (©, the first pictograph) every printable character is one column: the common case.
  if (code < 0xa9) return 1;
  for (const [low, high] of WIDE_RANGES) {
    if (code >= low && code <= high) return 2;
  }
  return PICTOGRAPHIC.test(char) ? 2 : 1;
}

/** Columns a string without escape sequences takes on a terminal (estimated conservatively). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** `text` cut to at most `width` columns, with `…` when cut. */
export function truncateToWidth(text: string, width: number): string {
  if (!exceeds([{ text }], width)) return text;
  if (width <= 0) return '';
  return `${takeColumns(text, width - 1).text}…`;
}

/** `text` cut or padded with spaces to exactly `width` columns. */
export function cell(text: string, width: number): string {
  const cut = truncateToWidth(text, width);
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}

/**
 * Join segments into one line of at most `width` columns: the plain text is cut first (ending with `…`),
 * then each surviving piece is coloured, so escape codes never count against the width or get cut in half.
 * Work is bounded by `width`, not by the text: an agent's line may be megabytes long.
 */
export function fitLine(segments: readonly Segment[], width: number, color: boolean): string {
  const cut = exceeds(segments, width);
  let budget = cut ? Math.max(0, width - 1) : width;
  let out = '';
  for (const segment of segments) {
    if (budget <= 0) break;
    const { text, used } = takeColumns(segment.text, budget);
    budget -= used;
    out += color && segment.style && text !== '' ? segment.style(text) : text;
  }
  // Trailing spaces from padding carry nothing and would only push a cut line's `…` further right.
  return cut && width > 0 ? `${out.trimEnd()}…` : out.trimEnd();
}

function exceeds(segments: readonly Segment[], width: number): boolean {
  let used = 0;
  for (const segment of segments) {
    for (const char of segment.text) {
      used += charWidth(char);
      if (used > width) return true;
    }
  }
  return false;
}

function takeColumns(text: string, columns: number): { text: string; used: number } {
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > columns) break;
    out += char;
    used += w;
  }
  return { text: out, used };
}

/** The colour of each lane, so a glance finds what is running (cyan), in review (magenta) or broken (red). */
export function laneStyle(lane: Lane): (text: string) => string {
  switch (lane) {
    case 'claimed':
    case 'in_progress':
      return pc.cyan;
    case 'for_review':
    case 'in_review':
      return pc.magenta;
    case 'approved':
    case 'done':
      return pc.green;
    case 'blocked':
      return pc.yellow;
    case 'failed':
      return pc.red;
    case 'planned':
    case 'canceled':
      return pc.dim;
  }
}

/** The colour of a run's status. */
export function statusStyle(status: ViewStatus): (text: string) => string {
  switch (status) {
    case 'running':
      return pc.cyan;
    case 'completed':
      return pc.green;
    case 'paused':
    case 'interrupted':
      return pc.yellow;
    case 'failed':
    case 'aborted':
      return pc.red;
  }
}

/**
 * Lay out rows of cells as aligned columns (two spaces apart; the last column is not padded). The padding is
 * its own uncoloured segment, so colour never runs into the gap.
 */
export function alignColumns(rows: readonly (readonly Segment[])[]): Segment[][] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c.text))));
  }
  return rows.map((row) =>
    row.flatMap((c, i) =>
      i === row.length - 1 ? [c] : [c, { text: ' '.repeat((widths[i] ?? 0) - displayWidth(c.text) + 2) }],
    ),
  );
}
