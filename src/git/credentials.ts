import { createRedactor, type Redact } from '../redact.js';
import { tryGit } from './git.js';

/** `AUTHORIZATION: basic <base64>` (actions/checkout) or `Authorization: bearer <token>`. */
const AUTH_HEADER = /authorization:\s*(?:basic|bearer|token)\s+(\S+)/i;
/** `https://user:password@host/...` in a remote or an `insteadOf` rule. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/gi;

/**
 * Credentials the repository's git config holds, as the redactor needs them: actions/checkout keeps the job's
 * token in `http.<url>.extraheader` as `AUTHORIZATION: basic base64(x-access-token:<token>)` (with
 * `persist-credentials`, the default), and an agent that runs `git config --list` prints it. Every part is
 * returned: the header's credential, its decoded `user:password`, and the password. Include files are read
 * too (newer checkouts keep the header in one). Empty when git cannot read the config.
 */
export async function gitConfigCredentials(repoDir: string): Promise<string[]> {
  const result = await tryGit(['config', '--list', '--includes'], repoDir, { timeoutMs: 10_000 }).catch(
    () => null,
  );
  if (!result || result.exitCode !== 0) return [];
  const found: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const header = AUTH_HEADER.exec(line)?.[1];
    if (header) found.push(header, ...decodedParts(header));
    for (const match of line.matchAll(URL_PASSWORD)) if (match[1]) found.push(decodeURIComponent(match[1]));
  }
  return [...new Set(found)];
}

/** `user:password` and `password` when `credential` is base64 of that pair; nothing otherwise. */
function decodedParts(credential: string): string[] {
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !/^[\x20-\x7e]+$/.test(decoded)) return [];
  return [decoded, decoded.slice(colon + 1)];
}

/**
 * The redactor of a run in `repoDir`: the secrets of `env` by the variable-name rule, the `extra` ones (the
 * action's token), and the credentials in the repository's git config.
 */
export async function createRunRedactor(
  repoDir: string,
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): Promise<Redact> {
  return createRedactor(env, [...extra, ...(await gitConfigCredentials(repoDir))]);
}
