/**
 * Tolerant readers for WP frontmatter values. Real files carry every shape spec-kitty ever wrote: lists,
 * comma strings, the string "[]", dicts instead of ids, numbers. Each reader returns clean values and says
 * (through `warn`) what it had to drop, instead of failing a run over cosmetics.
 */
import type { Subtask } from './types.js';

export type Warn = (message: string) => void;

const EMPTY_REF = /^(?:none|null|n\/a|-+|\[\])?$/i;
const DONE_STATUS = /^(?:done|complete|completed|approved|finished|x|yes|true)$/i;

/** A readable short rendering of an arbitrary value for messages. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A scalar as trimmed text; objects and lists give undefined. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return undefined;
}

/** `WP01-foundation` or `WP01 (core)` -> `WP01`; anything else trimmed. */
function depRef(text: string): string {
  const m = /^\s*(WP[\s_-]?\d+)(?![\d])/i.exec(text);
  return (m?.[1] ?? text).trim();
}

/**
 * Dependencies: missing, null, `"[]"`, `"WP01, WP02"`, `[WP01, WP02]`, `[{id: WP01}]` all work.
 * Returns trimmed references in order without duplicates; resolving `wp1` to `WP01` happens later, once
 * every WP id is known.
 */
export function coerceIdList(value: unknown, key: string, warn: Warn): string[] {
  const refs: string[] = [];
  const add = (text: string): void => {
    const ref = depRef(text);
    if (!EMPTY_REF.test(ref) && !refs.includes(ref)) refs.push(ref);
  };
  if (value === undefined || value === null) return refs;
  if (typeof value === 'string') {
    // "[WP01, 'WP02']" or "WP01, WP02" or "WP01 WP02"
    for (const part of value.replace(/[[\]"']/g, ' ').split(/[,;\s]+/)) add(part);
    return refs;
  }
  const items: unknown[] = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const text = scalarText(item) ?? idOfDict(item);
    if (text === undefined) warn(`${key}: ignored entry ${show(item)}`);
    else add(text);
  }
  return refs;
}

function idOfDict(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const d = value as Record<string, unknown>;
  return scalarText(d.id ?? d.work_package_id ?? d.wp_id ?? d.wp);
}

/** `owned_files`: a list of paths, or a single path string. Non-strings are dropped with a warning. */
export function coerceStringList(value: unknown, key: string, warn: Warn): string[] {
  if (value === undefined || value === null) return [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const text = scalarText(item);
    if (text === undefined) warn(`${key}: ignored entry ${show(item)}`);
    else if (text !== '' && !out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * Frontmatter subtasks: `[T001, T002]`, `"T001, T002"`, `["T001 Create model"]`,
 * `[{id: T001, title: ..., done: true}]` or a mapping `{T001: title}`. Merged by id, in order.
 */
export function coerceSubtasks(value: unknown, key: string, warn: Warn): Subtask[] {
  const byId = new Map<string, Subtask>();
  const add = (s: Subtask | undefined, raw: unknown): void => {
    if (s === undefined || s.id === '') {
      warn(`${key}: ignored entry ${show(raw)}`);
      return;
    }
    const prev = byId.get(s.id);
    byId.set(s.id, prev === undefined ? s : mergeSubtask(prev, s));
  };
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    for (const part of value.replace(/^\s*\[|\]\s*$/g, '').split(',')) {
      if (part.trim() !== '') add(subtaskFromText(part.replace(/^\s*["']|["']\s*$/g, '')), part);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) add(subtaskFromEntry(item), item);
  } else if (typeof value === 'object') {
    for (const [id, detail] of Object.entries(value as Record<string, unknown>))
      add(subtaskFromKeyed(id, detail), { [id]: detail });
  } else {
    add(subtaskFromEntry(value), value);
  }
  return [...byId.values()];
}

/** Combines two records of one subtask: a title wins over none; done and [P] are sticky. */
export function mergeSubtask(a: Subtask, b: Subtask): Subtask {
  return {
    id: a.id,
    title: a.title !== '' ? a.title : b.title,
    done: a.done || b.done,
    parallel: a.parallel || b.parallel,
  };
}

function subtaskFromEntry(item: unknown): Subtask | undefined {
  const text = scalarText(item);
  if (text !== undefined) return subtaskFromText(text);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const d = item as Record<string, unknown>;
  const id = scalarText(d.id ?? d.subtask_id ?? d.task_id ?? d.key);
  if (id === undefined || id === '') return undefined;
  return withDetails(subtaskFromText(id), d);
}

function subtaskFromKeyed(id: string, detail: unknown): Subtask {
  const base = subtaskFromText(id);
  const title = scalarText(detail);
  if (title !== undefined) return withDetails(base, { title });
  if (detail !== null && typeof detail === 'object' && !Array.isArray(detail)) {
    return withDetails(base, detail as Record<string, unknown>);
  }
  return base;
}

/** Adds the title/done/parallel a dict entry carries to the subtask parsed from its id. */
function withDetails(base: Subtask, d: Record<string, unknown>): Subtask {
  const rawTitle = scalarText(d.title ?? d.description ?? d.name ?? d.summary ?? d.text) ?? '';
  const status = scalarText(d.status ?? d.state) ?? '';
  const title = rawTitle.replace(/\s*\[P\]\s*/g, ' ').trim();
  return {
    id: base.id,
    title: title !== '' ? title : base.title,
    done: base.done || d.done === true || d.completed === true || DONE_STATUS.test(status),
    parallel: base.parallel || d.parallel === true || d.parallel_safe === true || rawTitle.includes('[P]'),
  };
}

/** `T001`, `T001: Create model`, `[x] T002 [P] Write tests`. Text without a T-id becomes the id itself. */
export function subtaskFromText(raw: string): Subtask {
  let text = raw.trim();
  let done = false;
  const box = /^\[([ xX])\]\s*/.exec(text);
  if (box !== null) {
    done = box[1] !== ' ';
    text = text.slice(box[0].length);
  }
  const parallel = /\[P\]/.test(text);
  text = text.replace(/\s*\[P\]\s*/g, ' ').trim();
  const m = /^(T\d+)\b[\s:.\-–—]*(.*)$/i.exec(text);
  if (m?.[1] !== undefined) return { id: m[1].toUpperCase(), title: (m[2] ?? '').trim(), done, parallel };
  return { id: text, title: '', done, parallel };
}
