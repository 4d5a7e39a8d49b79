/**
 * `---` YAML frontmatter of a WP prompt file: split from the markdown body and parsed into a plain object.
 * YAML 1.2 core schema, so `2025-11-11` stays a string; an explicit `!!timestamp` still yields a Date, which
 * we turn back into an ISO string so nothing downstream ever sees a Date.
 */
import jsYaml from 'js-yaml';
import { parseDocument, type YAMLError } from 'yaml';
import { KittyError } from '../errors.js';
import { readPlainYaml } from './frontmatter-fast.js';

export interface SplitFile {
  /** The YAML text between the fences, or null when the file has no frontmatter. */
  yaml: string | null;
  /** 1-based line number of the first YAML line in the file (for error messages). */
  yamlLine: number;
  /** The markdown after the closing fence (line endings normalised to \n). */
  body: string;
}

const OPEN = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits frontmatter from body. Tolerates a BOM and CRLF; a file whose first line is not `---` has no
 * frontmatter. An opening fence without a closing one is an error: guessing where the YAML ends would
 * hand half a config to an agent as its prompt.
 */
export function splitFrontmatter(text: string, path: string): SplitFile {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalised.split('\n');
  if (!OPEN.test(lines[0] ?? '')) return { yaml: null, yamlLine: 1, body: normalised };
  const end = lines.findIndex((line, i) => i > 0 && CLOSE.test(line));
  if (end < 0) {
    throw new KittyError('feature', `${path}: invalid frontmatter: no closing '---' line after line 1`);
  }
  return {
    yaml: lines.slice(1, end).join('\n'),
    yamlLine: 2,
    body: lines.slice(end + 1).join('\n'),
  };
}

/**
 * Parses frontmatter YAML into a mapping. Empty frontmatter is an empty mapping; a YAML error or a
 * non-mapping document (a list, a scalar) is a KittyError('feature') naming the file and the line.
 */
export function parseFrontmatter(yamlText: string, path: string, firstLine = 1): Record<string, unknown> {
  try {
    return parseMapping(yamlText, path, firstLine);
  } catch (cause) {
    if (cause instanceof KittyError) throw cause;
    // The yaml library throws on alias bombs and unresolvable aliases, and deep nesting can overflow the
    // stack: whatever the file holds, the caller gets one KittyError naming it.
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new KittyError('feature', `${path}: invalid frontmatter: ${message}`, { cause });
  }
}

/**
 * An alias (`*name`) or an explicit tag (`!…`) sends a file to the careful parser: it bounds alias expansion
 * (an alias bomb) and knows `!!timestamp`. False positives only cost speed.
 */
const NEEDS_CAREFUL_PARSER = /(^|[\s[{,:-])[*!]/m;

/**
 * Frontmatter of plain shape (nearly every real file) is read by our own small reader when it can, else goes
 * through js-yaml's core schema, about ten times faster than the `yaml` package on a cold start.
 */
function parseMapping(yamlText: string, path: string, firstLine: number): Record<string, unknown> {
  if (NEEDS_CAREFUL_PARSER.test(yamlText)) return parseMappingCarefully(yamlText, path, firstLine);
  const plain = readPlainYaml(yamlText);
  if (plain !== undefined) return plain;
  return parseWithJsYaml(yamlText, path, firstLine);
}

/** The full parser for frontmatter without aliases or tags. */
export function parseWithJsYaml(yamlText: string, path: string, firstLine = 1): Record<string, unknown> {
  let value: unknown;
  try {
    // json: a repeated key is not an error; the last one wins, as in PyYAML.
    value = jsYaml.load(yamlText, { schema: jsYaml.CORE_SCHEMA, json: true, filename: path });
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const at = position(yamlText, error.mark.line, error.mark.column, firstLine);
    throw new KittyError('feature', `${path}: invalid frontmatter: ${error.reason} ${at}`, { cause: error });
  }
  return asMapping(value, path);
}

/** js-yaml marks an error at the end of the stream one line past the text: point at the last real line. */
function position(yamlText: string, line: number, column: number, firstLine: number): string {
  const lines = yamlText.split('\n');
  if (line < lines.length) return `at line ${firstLine + line}, column ${column + 1}`;
  const last = lines.length - 1;
  return `at line ${firstLine + last}, column ${(lines[last]?.length ?? 0) + 1}`;
}

function asMapping(value: unknown, path: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
    const kind = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new KittyError('feature', `${path}: invalid frontmatter: expected a mapping of keys, got ${kind}`);
  }
  return withoutDates(value) as Record<string, unknown>;
}

function parseMappingCarefully(yamlText: string, path: string, firstLine: number): Record<string, unknown> {
  const doc = parseDocument(yamlText, {
    schema: 'core',
    // Warnings would otherwise go to console.warn; we surface errors ourselves.
    logLevel: 'silent',
    prettyErrors: false,
    // PyYAML-written files sometimes repeat a key; last one wins, as in PyYAML.
    uniqueKeys: false,
  });
  const error = doc.errors[0];
  if (error !== undefined) {
    throw new KittyError('feature', `${path}: invalid frontmatter: ${describe(error, yamlText, firstLine)}`, {
      cause: error,
    });
  }
  return asMapping(doc.toJS({ maxAliasCount: 1000 }), path);
}

/** One line: the YAML message plus the file line/column it points at. */
function describe(error: YAMLError, yamlText: string, firstLine: number): string {
  const message = error.message.split('\n')[0] ?? error.code;
  const offset = Math.min(error.pos[0], yamlText.length);
  const before = yamlText.slice(0, offset);
  const line = firstLine + (before.match(/\n/g)?.length ?? 0);
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${message} at line ${line}, column ${column}`;
}

/** Deep copy with Dates replaced by ISO strings. */
function withoutDates(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Array.isArray(value)) return value.map(withoutDates);
  if (value !== null && typeof value === 'object') {
    // A null prototype so a `__proto__:` key stays an ordinary key.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = withoutDates(v);
    return out;
  }
  return value;
}
