import * as core from '@actions/core';
import { errorMessage, isKittyError } from '../errors.js';
import { createRedactor } from '../redact.js';

/**
 * The one place an error becomes a failed step: a one-line message, redacted (an error may quote a command
 * line or an API answer), with the stack only in the debug log for errors we did not raise on purpose.
 */
export function reportFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const redact = createRedactor(env, [core.getInput('github-token')]);
  if (!isKittyError(error) && error instanceof Error && error.stack) core.debug(redact(error.stack));
  core.setFailed(redact(errorMessage(error)));
}
