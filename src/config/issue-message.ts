import type { core } from 'zod';

/**
 * Readable text for a zod issue, without any schema: shared by the config loader (which adds "did you mean"
 * hints from its schema) and the state reader (which must not load the config schema, nor zod's classic API, at
 * start-up: `status` is meant to answer at once).
 */

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
export function issueMessage(issue: Issue): string {
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

/** `path: message` for an issue of a schema without key hints (unknown keys keep zod's own message). */
export function formatPlainIssue(issue: Issue): string {
  const message = issueMessage(issue);
  return issue.path.length === 0 ? message : `${formatPath(issue.path)}: ${message}`;
}
