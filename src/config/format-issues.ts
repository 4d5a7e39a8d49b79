import type { core } from 'zod';
import { configSchema } from './schema.js';
import { formatPath, issueMessage } from './issue-message.js';

type Issue = core.$ZodIssue;

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
