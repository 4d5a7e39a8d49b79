import { runnerDeps } from './deps.js';
import { reportFailure } from './failure.js';
import { runPost } from './run-post.js';
import type { ActionDeps } from './session.js';

/**
 * The post step (`post-if: always()`): saves the state and finalises the reports when the main step could not.
 * `overrides` replace the real adapters (tests hand in their own).
 */
export async function post(overrides: Partial<ActionDeps> = {}): Promise<void> {
  try {
    await runPost(runnerDeps(overrides));
  } catch (error) {
    reportFailure(error);
  }
}
