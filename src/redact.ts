/**
 * The one redactor: every text that leaves the process (agent logs, live lines, events, snapshots, `--json`,
 * the terminal, the PR comment, check runs, the job summary, escalations, the cache, the prompts of retries and
 * reviews) passes through a function made here. See docs/security.md for the rule as users read it.
 */

/** A function that blanks every known secret out of a text. */
export type Redact = (text: string) => string;

/**
 * Names of environment variables whose values are secrets. Deliberately broad: a false positive only blanks an
 * ordinary value, a false negative leaks a credential.
 */
export const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH|PRIVATE|COOKIE)/i;
/**
 * Values (and lines of multi-line values) shorter than this are not blanked everywhere: `true`, `1234` or `en`
 * would turn every log into stars. Six characters covers short passwords (`hunter2` is seven).
 */
export const MIN_SECRET_LENGTH = 6;
/** Encoded fragments shorter than this could match ordinary text by chance. */
const MIN_ENCODED_LENGTH = 8;
/**
 * Variables that match the name rule but hold no secret: the agent socket's path, and the action's own inputs
 * (`INPUT_STATE-KEY-PREFIX` is a cache key prefix, not a key; the token input is passed to the redactor
 * explicitly) and step state.
 */
const NOT_SECRET = /^(SSH_AUTH_SOCK|(INPUT|STATE)_.*)$/i;
const PLACEHOLDER = '***';

/** Values of `env` that the variable-name rule calls secret. */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && SECRET_NAME.test(name) && !NOT_SECRET.test(name))
    .map(([, value]) => value!)
    .filter((value) => value.trim().length >= MIN_SECRET_LENGTH);
}

/**
 * The stable middle of the base64 of `secret` when it sits `offset` bytes into a longer encoded text: the
 * characters that depend only on the secret's own bytes, whatever comes before or after it.
 */
function base64Core(secret: Buffer, offset: number): string {
  const total = offset + secret.length;
  const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString('base64');
  return encoded.slice(offset === 0 ? 0 : 4, Math.floor(total / 3) * 4);
}

/** The base64 forms of a secret: exact (with and without padding, standard and URL-safe) and embedded. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const exact = bytes.toString('base64');
  const forms = [
    exact,
    exact.replace(/=+$/, ''),
    base64Core(bytes, 0),
    base64Core(bytes, 1),
    base64Core(bytes, 2),
  ];
  return forms.flatMap((form) => [form, form.replace(/\+/g, '-').replace(/\//g, '_')]);
}

/**
 * Every form in which `secret` may show up in output: itself, each line of a multi-line value (logs are
 * written line by line), as a JSON string body, URL-encoded, and base64-encoded.
 */
export function secretForms(secret: string): string[] {
  const lines = secret.split(/\r?\n/).map((line) => line.trim());
  const plain = [secret, ...lines].filter((form) => form.length >= MIN_SECRET_LENGTH);
  const encoded = [
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    ...base64Forms(secret),
  ];
  return [...plain, ...encoded.filter((form) => form.length >= MIN_ENCODED_LENGTH)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A function that replaces every secret in `env` (by the variable-name rule) plus the `extra` secrets, in every
 * form `secretForms` lists, with `***`.
 */
export function createRedactor(
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): Redact {
  const secrets = [...secretsFromEnv(env), ...extra.filter((s) => s.trim().length >= MIN_SECRET_LENGTH)];
  const forms = new Set(secrets.flatMap(secretForms));
  if (forms.size === 0) return (text) => text;
  // Longest first so a secret containing another (a whole key and one of its lines) is replaced whole.
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, PLACEHOLDER);
}

/**
 * A copy of `value` with every string in it (at any depth, in objects and arrays) redacted, except the values
 * of the `keep` keys: identifiers the program itself wrote (a WP id, a lane, a role), which an unlucky
 * secret-looking variable must not blank into something the state reducer cannot read.
 */
export function redactDeep<T>(value: T, redact: Redact, keep: ReadonlySet<string> = new Set()): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact, keep)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        keep.has(key) ? item : redactDeep(item, redact, keep),
      ]),
    ) as T;
  }
  return value;
}
