/**
 * Small, defensive readers for the JSON the agent CLIs print. CLIs put banners, warnings and progress lines around
 * their JSON, and fields drift between releases, so nothing here throws: a missing or mistyped field is undefined.
 */

export type JsonRecord = Record<string, unknown>;

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

/** The value as a string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value as a finite number, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first defined finite number among the values. */
export function firstNum(...values: unknown[]): number | undefined {
  for (const value of values) {
    const n = num(value);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** The first non-empty string among the values. */
export function firstStr(...values: unknown[]): string | undefined {
  for (const value of values) {
    const s = str(value);
    if (s !== undefined && s.trim() !== '') return s;
  }
  return undefined;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const MAX_DOCUMENT_STARTS = 5;

/**
 * One JSON document printed by a CLI: the whole output, or, when a banner or warning precedes it, the output from
 * the first line that starts with `{` or `[`. Undefined when there is none.
 */
export function parseJsonDocument(output: string): unknown {
  const trimmed = output.trim();
  if (trimmed === '') return undefined;
  const whole = tryParse(trimmed);
  if (whole !== undefined) return whole;
  const lines = trimmed.split('\n');
  // A banner is a few lines at most; trying every line of a long JSONL stream would be quadratic.
  let attempts = 0;
  for (let i = 0; i < lines.length && attempts < MAX_DOCUMENT_STARTS; i++) {
    const line = lines[i]?.trimStart() ?? '';
    if (!line.startsWith('{') && !line.startsWith('[')) continue;
    attempts++;
    const rest = tryParse(lines.slice(i).join('\n'));
    if (rest !== undefined) return rest;
  }
  return undefined;
}

/** Every line of a JSONL stream that parses as a JSON object; other lines (banners, logs) are skipped. */
export function parseJsonLines(output: string): JsonRecord[] {
  const events: JsonRecord[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('{')) continue;
    const record = asRecord(tryParse(line));
    if (record) events.push(record);
  }
  return events;
}

/**
 * The JSON object a CLI ended with: the whole output as one document, else the last JSON line. Undefined when the
 * output holds no JSON object.
 */
export function lastJsonRecord(output: string): JsonRecord | undefined {
  const document = asRecord(parseJsonDocument(output));
  if (document) return document;
  const lines = parseJsonLines(output);
  return lines[lines.length - 1];
}

/** The message of an error value shaped as a string, `{message}`, `{error: {...}}` or `{data: {message}}`. */
export function errorMessageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  const record = asRecord(value);
  if (!record) return undefined;
  const data = asRecord(record['data']);
  return (
    firstStr(record['message'], data?.['message'], record['errorMessage']) ??
    errorMessageOf(record['error']) ??
    firstStr(record['name'], record['type'])
  );
}
