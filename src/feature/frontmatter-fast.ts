/**
 * A fast reader for the plain YAML that spec-kitty writes in WP frontmatter: block mappings and sequences, plain,
 * quoted and literal block scalars, flow lists of simple items. It returns undefined as soon as it meets anything
 * it does not fully understand (the caller then runs the full YAML parser), so whenever it answers, its answer
 * equals the full parser's (YAML 1.2 core schema, last duplicate key wins). A property test holds it to that.
 * A 1,000-WP `plan` spent most of its time in js-yaml.
 */

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** Thrown inside the reader to give up (one object, so giving up costs no stack trace); never escapes. */
const GIVE_UP = new Error('not plain frontmatter');

interface Line {
  indent: number;
  text: string;
}

/** The mapping in `yamlText`, or undefined when the full parser must decide. */
export function readPlainYaml(yamlText: string): Record<string, unknown> | undefined {
  if (yamlText.includes('\t') || yamlText.includes('\r')) return undefined;
  const lines: Line[] = yamlText.split('\n').map((raw) => {
    const text = raw.trimStart();
    return { indent: raw.length - text.length, text };
  });
  const reader = new Reader(lines);
  try {
    reader.skipBlank();
    if (reader.done()) return Object.create(null) as Record<string, unknown>;
    if (reader.peek().indent !== 0) return undefined;
    const mapping = reader.mapping(0);
    reader.skipBlank();
    return reader.done() ? mapping : undefined;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$/;

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  peek(): Line {
    return this.lines[this.i] as Line;
  }

  /** Skip empty and comment-only lines (outside block scalars they carry nothing). */
  skipBlank(): void {
    while (!this.done() && isBlank(this.peek())) this.i++;
  }

  /** After a node at `indent`: a more indented line next (not blank) belongs to nothing we understand. */
  private endNode(indent: number): void {
    if (!this.done() && this.peek().indent > indent && !isBlank(this.peek())) throw GIVE_UP;
  }

  /** A block mapping whose keys sit at column `indent`; the first key line is the current one. */
  mapping(indent: number, first?: string): { [key: string]: Value } {
    const out = Object.create(null) as { [key: string]: Value };
    let text = first;
    for (;;) {
      if (text === undefined) {
        this.skipBlank();
        if (this.done() || this.peek().indent !== indent) return out;
        text = this.peek().text;
        this.i++;
      }
      const match = KEY.exec(text);
      if (!match) throw GIVE_UP;
      out[match[1] as string] = this.valueAfterKey(indent, match[2]);
      text = undefined;
      this.endNode(indent);
    }
  }

  /** The value of a key at `indent` whose line ended with `rest` (undefined: nothing after the colon). */
  private valueAfterKey(indent: number, rest: string | undefined): Value {
    const inline = rest?.trimEnd() ?? '';
    if (inline.startsWith('|')) return this.literal(indent, inline);
    if (inline !== '') return scalarOrFlow(inline);
    this.skipBlank();
    if (this.done()) return null;
    const next = this.peek();
    if (next.indent === indent && isItem(next.text)) return this.sequence(indent);
    if (next.indent <= indent) return null;
    return isItem(next.text) ? this.sequence(next.indent) : this.mapping(next.indent);
  }

  /** A block sequence whose dashes sit at column `indent`. */
  private sequence(indent: number): Value[] {
    const out: Value[] = [];
    for (;;) {
      this.skipBlank();
      if (this.done() || this.peek().indent !== indent || !isItem(this.peek().text)) return out;
      const text = this.peek().text;
      this.i++;
      if (text === '-' || text.startsWith('-  ')) throw GIVE_UP;
      const content = text.slice(2).trimEnd();
      if (KEY.test(content)) out.push(this.mapping(indent + 2, content));
      else if (content.startsWith('|')) out.push(this.literal(indent, content));
      else out.push(scalarOrFlow(content));
      this.endNode(indent);
    }
  }

  /** A literal block scalar (`|` or `|-`) belonging to a node at `parent`; the lines after it are its text. */
  private literal(parent: number, header: string): string {
    if (header !== '|' && header !== '|-') throw GIVE_UP;
    const body: string[] = [];
    let indent = -1;
    for (; !this.done(); this.i++) {
      const { indent: at, text } = this.peek();
      if (text === '') {
        if (at > 0) throw GIVE_UP; // spaces-only lines: their spaces may or may not be content
        body.push('');
        continue;
      }
      if (at <= parent) break;
      if (indent < 0) indent = at;
      if (at < indent) throw GIVE_UP;
      body.push(' '.repeat(at - indent) + text);
    }
    if (indent < 0 && body.length > 0) throw GIVE_UP;
    while (body.length > 0 && body.at(-1) === '') body.pop();
    if (body.length === 0) return '';
    return header === '|' ? `${body.join('\n')}\n` : body.join('\n');
  }
}

const isBlank = (line: Line): boolean => line.text === '' || line.text.startsWith('#');
const isItem = (text: string): boolean => text === '-' || text.startsWith('- ');

/** A scalar or a flow list written on one line. */
function scalarOrFlow(text: string): Value {
  if (text.startsWith('[')) return flowList(text);
  return scalar(text);
}

/** `[]` or `[a, 'b', "c"]` with items that hold no comma, bracket or brace. */
function flowList(text: string): Value[] {
  if (!text.endsWith(']')) throw GIVE_UP;
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  if (/[[\]{}]/.test(inner)) throw GIVE_UP;
  return inner.split(',').map((item) => {
    const trimmed = item.trim();
    if (trimmed === '' || trimmed.includes(':') || trimmed.includes('?')) throw GIVE_UP;
    return scalar(trimmed);
  });
}

/** A plain or quoted scalar as the YAML 1.2 core schema reads it. */
function scalar(text: string): Value {
  if (text.includes(' #')) throw GIVE_UP;
  if (text.startsWith("'")) {
    const inner = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith("'") || inner.replaceAll("''", '').includes("'")) throw GIVE_UP;
    return inner.replaceAll("''", "'");
  }
  if (text.startsWith('"')) {
    const inner = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith('"') || /["\\]/.test(inner)) throw GIVE_UP;
    return inner;
  }
  return plain(text);
}

/** Indicators a plain scalar may not start with (or that make it something else). */
const SPECIAL_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
const NULLS = new Set(['~', 'null', 'Null', 'NULL']);
const BOOLEANS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);
/** Could be a number in some notation (hex, octal, binary, float, .inf, .nan, underscores): the full parser decides. */
const NUMBERISH = /^[-+.0-9][-+._0-9a-fA-FxXoObB]*$|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/;

function plain(text: string): Value {
  if (SPECIAL_START.test(text) || text.includes(': ') || text.endsWith(':')) throw GIVE_UP;
  if (text === '' || NULLS.has(text)) return null;
  const bool = BOOLEANS.get(text);
  if (bool !== undefined) return bool;
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  if (NUMBERISH.test(text)) throw GIVE_UP;
  return text;
}
