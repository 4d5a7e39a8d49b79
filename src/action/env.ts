import * as core from '@actions/core';
import type { Logger } from '../engine/types.js';
import { forRunnerLog, neutralise } from '../neutralise.js';
import { secretsFromEnv } from '../redact.js';

/**
 * Runner variables agents must never see: the cache service's token (an agent could poison the cache other
 * runs restore), the OIDC request token, the files through which a step sets later steps' environment, PATH,
 * outputs and state (a prompt-injected agent could steer the rest of the job), and the action's own inputs
 * (the GitHub token among them).
 */
const WITHHELD = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
];

/** The environment agents run with: the runner's, minus what they must not have. */
export function agentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !WITHHELD.includes(name) && !/^(INPUT|STATE)_/.test(name)),
  );
}

/**
 * Mask the token and every secret-looking variable (the redactor's name rule) in the job's log. Values from
 * `secrets.*` are masked by the runner already; keys passed through `vars.*` or set by an earlier step are not.
 * Of the action's inputs only `github-token` is a secret: the rule skips `INPUT_*`, so `state-key-prefix`
 * (a KEY by name) stays readable in logs, outputs and the comment marker.
 */
export function maskSecrets(env: NodeJS.ProcessEnv, token: string, logger: Logger): void {
  const values = secretsFromEnv(env);
  // The runner masks line by line: a multi-line value (a PEM key) is masked one line at a time.
  const lines = [token, ...values]
    .flatMap((value) => value.split(/\r?\n/))
    .filter((line) => line.trim().length >= 4);
  for (const line of new Set(lines)) core.setSecret(line);
  logger.debug(`masked ${values.length} secret-looking variable(s)`);
}

/** The Logger port on top of the runner's log. */
export function coreLogger(): Logger {
  return {
    // Agent lines and WP titles reach these: no `\r`, escape sequence or line-leading `::` may act on the runner.
    info: (message) => core.info(forRunnerLog(message)),
    warn: (message) => core.warning(neutralise(message)),
    debug: (message) => core.debug(neutralise(message)),
  };
}
