import { DefaultArtifactClient } from '@actions/artifact';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { coreLogger } from './env.js';
import { reportFailure } from './failure.js';
import { runPost } from './run-post.js';
import type { ActionDeps } from './session.js';

/**
 * The post step (`post-if: always()`): saves the state and finalises the reports when the main step could not.
 * `overrides` replace the real adapters (tests hand in their own).
 */
export async function post(overrides: Partial<ActionDeps> = {}): Promise<void> {
  try {
    await runPost({
      env: process.env,
      cache,
      artifact: new DefaultArtifactClient(),
      summary: core.summary,
      logger: coreLogger(),
      ...overrides,
    });
  } catch (error) {
    reportFailure(error);
  }
}
