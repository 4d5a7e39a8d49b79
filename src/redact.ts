/** Names of environment variables whose values are secrets. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;
/** Values shorter than this are too likely to be ordinary words to blank out everywhere. */
const MIN_SECRET_LENGTH = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A function that replaces every secret value found in `env` (by variable name) plus `extra` secrets with
 * `***`. Agent output, summaries, logs and reports all pass through it before they are written anywhere.
 */
export function createRedactor(
  env: NodeJS.ProcessEnv,
  extra: readonly string[] = [],
): (text: string) => string {
  const secrets = new Set(extra.filter((s) => s.length >= MIN_SECRET_LENGTH));
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) secrets.add(value);
  }
  if (secrets.size === 0) return (text) => text;
  // Longest first so a secret containing another is replaced whole.
  const pattern = new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, '***');
}
