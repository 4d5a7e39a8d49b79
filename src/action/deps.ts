import { DefaultArtifactClient } from '@actions/artifact';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { coreLogger } from './env.js';
import type { ActionDeps } from './session.js';

/** The runner's own adapters for both steps; `overrides` replace any of them (tests hand in their own). */
export function runnerDeps(overrides: Partial<ActionDeps> = {}): ActionDeps {
  return {
    env: process.env,
    cache,
    artifact: new DefaultArtifactClient(),
    summary: core.summary,
    logger: coreLogger(),
    ...overrides,
  };
}
