import type { core } from 'zod';
import { configSchema } from './schema.js';

type Issue = core.$ZodIssue;

/** `agents.claude-code.roles[0]`; keys that are not plain words are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[\w-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** A short, human description of a value for "got …" messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' && Number.isNaN(value)) return 'not a number';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

// Zod's built-in messages start like this; messages written in our schema are kept word for word.
const isZodDefaultMessage = (message: string): boolean =>
  /^(Invalid|Too (big|small)|Unrecognized key)/.test(message);

function sizeMessage(issue: Extract<Issue, { code: 'too_big' | 'too_small' }>): string {
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `must have ${big ? 'at most' : 'at least'} ${limit} item${limit === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'string') {
    if (!big && limit === 1) return 'must not be empty';
    return `must be ${big ? 'at most' : 'at least'} ${limit} characters long`;
  }
  if (issue.inclusive === false) return `must be ${big ? 'less' : 'greater'} than ${limit}`;
  return `must be ${big ? 'at most' : 'at least'} ${limit}`;
}

/** The message for one issue, without its path. */
function issueMessage(issue: Issue): string {
  if (!isZodDefaultMessage(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `must be ${expected} (got ${describe(issue.input)})`;
    }
    case 'too_big':
    case 'too_small':
      return sizeMessage(issue);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      return `invalid key: ${issue.issues.map((inner) => issueMessage(inner)).join(', ')}`;
    case 'invalid_format':
      return issue.pattern === undefined ? `must be a valid ${issue.format}` : `must match ${issue.pattern}`;
    case 'unrecognized_keys':
    case 'not_multiple_of':
    case 'invalid_union':
    case 'invalid_element':
    case 'custom':
      return issue.message;
  }
}

interface LooseDef {
  type: string;
  shape?: Record<string, { def: LooseDef }>;
  innerType?: { def: LooseDef };
  valueType?: { def: LooseDef };
  element?: { def: LooseDef };
}

/** The keys the schema accepts at `path`, for "did you mean" hints; [] when the path does not lead to an object. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  let def = (configSchema as unknown as { def: LooseDef }).def;
  const unwrap = (): void => {
    while ((def.type === 'default' || def.type === 'nullable' || def.type === 'optional') && def.innerType) {
      def = def.innerType.def;
    }
  };
  unwrap();
  for (const key of path) {
    const next =
      def.type === 'object'
        ? def.shape?.[String(key)]
        : def.type === 'record'
          ? def.valueType
          : def.type === 'array'
            ? def.element
            : undefined;
    if (next === undefined) return [];
    def = next.def;
    unwrap();
  }
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** Edit distance, for suggesting the key the user probably meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** ` (did you mean "x"?)` for the allowed name closest to `key`, or '' when none is close. */
export function suggestion(key: string, allowed: readonly string[]): string {
  // About one typo per four letters; a prefix (`timeout` for `timeout_seconds`) counts too.
  const limit = Math.max(1, Math.floor(key.length / 4));
  const prefix = (long: string, short: string): boolean => short.length >= 4 && long.startsWith(short);
  const close = allowed
    .map((candidate) => ({ candidate, d: distance(key, candidate) }))
    .filter(({ candidate, d }) => d <= limit || prefix(candidate, key) || prefix(key, candidate))
    .sort((x, y) => x.d - y.d)[0];
  return close === undefined ? '' : ` (did you mean "${close.candidate}"?)`;
}

function unknownKeysMessage(issue: Extract<Issue, { code: 'unrecognized_keys' }>): string {
  const allowed = allowedKeys(issue.path);
  const where = issue.path.length === 0 ? 'the top level' : formatPath(issue.path);
  return issue.keys.map((key) => `unknown key "${key}" at ${where}${suggestion(key, allowed)}`).join('; ');
}

/**
 * One readable clause per issue: `agents.claude-code.priority: must be at most 100`, or
 * `unknown key "bogus" at agents.sim`. `label` replaces the key path (used to name an override instead).
 */
export function formatIssue(issue: Issue, label?: string): string {
  if (issue.code === 'unrecognized_keys' && label === undefined) return unknownKeysMessage(issue);
  const where = label ?? (issue.path.length === 0 ? '' : formatPath(issue.path));
  const message = issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue) : issueMessage(issue);
  return where === '' ? message : `${where}: ${message}`;
}

/** A stable identity for an issue, to tell the file's own issues from those an override introduced. */
export const issueKey = (issue: Issue): string => `${issue.code}@${formatPath(issue.path)}`;
