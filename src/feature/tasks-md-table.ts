/**
 * Pipe tables in tasks.md, e.g. a subtask index:
 *
 *   | ID   | Description      | WP   | Parallel |
 *   |------|------------------|------|----------|
 *   | T001 | Add the cart API | WP01 | [P]      |
 *
 * Columns are recognised by their header; a row without a T-id cell is not a subtask (WP summary tables,
 * risk registers). A row with no WP column belongs to the section the table sits in.
 */
import { tidyWp } from './tasks-md-lines.js';
import type { Subtask } from './types.js';

type Role = 'id' | 'wp' | 'title' | 'done' | 'parallel' | 'deps' | 'other';

export interface TableRow {
  subtask: Subtask;
  /** The WP the row names in its WP column, if any. */
  wp: string | undefined;
}

const SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const ID_CELL = /^(?:\*\*|`|\[)?(T\d+)(?:\*\*|`|\])?$/i;
const WP_CELL = /^(?:\*\*|`|\[)?(WP[\s_-]?\d+)(?:\*\*|`|\])?$/i;
const YES = /^(?:\[x\]|x|yes|y|true|✅|✔️?|✓|☑️?)$/iu;
const PARALLEL_YES = /^(?:\[p\]|p|yes|y|true|x|✅|✔️?|✓)$/iu;

/** True for a line that is part of a pipe table. */
export function isTableLine(text: string): boolean {
  return /^\s*\|/.test(text);
}

/** Cells of a table line, trimmed, without the outer pipes; `\|` does not split. */
export function cellsOf(text: string): string[] {
  const inner = text
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

function roleOf(header: string): Role {
  const h = header.replace(/[*_`]/g, '').trim().toLowerCase();
  // A dependency column names WPs too, but it does not assign the row to them.
  if (/depend|block|prereq|require|after/.test(h)) return 'deps';
  if (/^(?:id|task\s*id|subtask\s*id|#|no\.?)$/.test(h)) return 'id';
  if (/\bwp\b|wp\s*id|work\s*package|^package$/.test(h)) return 'wp';
  if (/parallel|^\[?p\]?\??$/.test(h)) return 'parallel';
  if (/^(?:done|status|state|complete[d]?|✓|✔️?|✅)\??$/u.test(h)) return 'done';
  if (/title|summary|description|task|name|what/.test(h)) return 'title';
  return 'other';
}

/** Reads the subtask rows of one table (its lines in order, header first when there is one). */
export function readTable(lines: readonly string[]): TableRow[] {
  const hasHeader = lines.length > 1 && SEPARATOR.test(lines[1] ?? '');
  const roles = hasHeader ? cellsOf(lines[0] ?? '').map(roleOf) : [];
  const rows = lines.slice(hasHeader ? 2 : 0).filter((l) => !SEPARATOR.test(l));
  const out: TableRow[] = [];
  for (const line of rows) {
    const row = readRow(cellsOf(line), roles);
    if (row !== undefined) out.push(row);
  }
  return out;
}

function readRow(cells: string[], roles: Role[]): TableRow | undefined {
  const idAt = cells.findIndex((c, i) => roles[i] !== 'deps' && roles[i] !== 'wp' && ID_CELL.test(c));
  const id = ID_CELL.exec(cells[idAt] ?? '')?.[1];
  if (id === undefined) return undefined;
  const at = (role: Role): number => roles.findIndex((r, i) => r === role && i !== idAt);
  // Without a WP header, a cell holding just a WP id in a column of unknown purpose assigns the row.
  const loose = (c: string, i: number): boolean =>
    i !== idAt && (roles[i] ?? 'other') === 'other' && WP_CELL.test(c);
  const wpAt = at('wp') >= 0 ? at('wp') : cells.findIndex(loose);
  const wpMatch = WP_CELL.exec(cells[wpAt] ?? '')?.[1];
  const titleAt =
    at('title') >= 0
      ? at('title')
      : cells.findIndex((c, i) => i !== idAt && i !== wpAt && /\p{L}{3}/u.test(c));
  const rawTitle = cells[titleAt] ?? '';
  const doneCell = cells[at('done')] ?? '';
  const parallelCell = cells[at('parallel')] ?? '';
  return {
    wp: wpMatch !== undefined ? tidyWp(wpMatch) : undefined,
    subtask: {
      id: id.toUpperCase(),
      title: rawTitle.replace(/\s*\[P\]\s*/g, ' ').trim(),
      done: isDone(doneCell),
      parallel: PARALLEL_YES.test(parallelCell) || rawTitle.includes('[P]'),
    },
  };
}

function isDone(cell: string): boolean {
  if (YES.test(cell)) return true;
  return (
    /\b(?:done|complete|completed|approved)\b|✅/iu.test(cell) && !/\bnot\b|\bin[\s_-]progress\b/i.test(cell)
  );
}
