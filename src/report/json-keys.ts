/**
 * Every `--json` output speaks one key style, snake_case, as `plan --json` always has (`work_packages`,
 * `critical_path`): the internal camelCase shapes are converted at the boundary, once, here.
 */
const snakeOf = (key: string): string =>
  // A key without lower case is a name, not camelCase (an environment variable such as IS_SANDBOX): kept.
  /[a-z]/.test(key) ? key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`) : key;

// A run of 1,000 WPs repeats the same few dozen keys tens of thousands of times: convert each once.
const snakeCache = new Map<string, string>();
const snake = (key: string): string => {
  let converted = snakeCache.get(key);
  if (converted === undefined) snakeCache.set(key, (converted = snakeOf(key)));
  return converted;
};

/** `value` with every object key in snake_case, recursively; values (ids, messages) are left alone. */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snake(key), snakeKeys(inner)]));
}

/** One JSON document for a `--json` output: snake_case keys, indented for people, one line when `compact`. */
export function toJsonOutput(value: unknown, compact = false): string {
  return JSON.stringify(snakeKeys(value), null, compact ? undefined : 2);
}
