import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { coreLogger } from './env.js';
import { reportFailure } from './failure.js';
import { runPost } from './run-post.js';

/** The post step (`post-if: always()`): saves the state and finalises the reports when the main step could not. */
export async function post(): Promise<void> {
  try {
    await runPost({ env: process.env, cache, summary: core.summary, logger: coreLogger() });
  } catch (error) {
    reportFailure(error);
  }
}
