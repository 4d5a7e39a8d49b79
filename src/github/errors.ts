import { errorMessage } from '../errors.js';

/** The HTTP status of an Octokit RequestError, or null for anything else. */
export function httpStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null;
  const { status } = error;
  return typeof status === 'number' ? status : null;
}

/**
 * True when the token may not do this at all (403/404 that is not a rate limit): retrying is pointless and a
 * sink should stop after one clear warning instead of repeating it on every update.
 */
export function isPermanentDenial(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 401) return true;
  if (status !== 403 && status !== 404) return false;
  return !/rate limit/i.test(errorMessage(error));
}

/** A one-line description of a failed GitHub request for a warning. */
export function describeGitHubError(error: unknown): string {
  const status = httpStatus(error);
  const message = errorMessage(error).split('\n')[0] ?? '';
  return status === null ? message : `HTTP ${status}: ${message}`;
}
