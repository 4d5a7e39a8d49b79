import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { RunContext } from './context.js';

/**
 * Each WP's agent logs as a workflow artifact, so a person can open them from the PR: the cache holds them too,
 * but nobody can browse a cache entry. Logs are redacted as they are written, so they are uploaded as they are.
 */

/** The slice of `@actions/artifact` used here: a port, so tests hand in the real client or a fake. */
export interface ArtifactPort {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number }>;
}

export interface LogArtifacts {
  /** Upload `wpId`'s logs (at most once per step); resolves when done. A failure is a warning. */
  upload(wpId: string): Promise<void>;
  /** Artifact URLs of the WPs uploaded so far. */
  readonly urls: Readonly<Record<string, string>>;
}

export interface LogArtifactsOptions {
  artifact: ArtifactPort;
  logDir: string;
  slug: string;
  context: RunContext;
  logger: Logger;
}

/** Logs are for finding out what went wrong soon after: a month is plenty, and counts against storage less. */
const RETENTION_DAYS = 30;

/** The runner gives the results service's address and token only to actions: without them there is no upload. */
export function artifactsAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

export function createLogArtifacts(options: LogArtifactsOptions): LogArtifacts {
  const { context } = options;
  const urls: Record<string, string> = {};
  const started = new Map<string, Promise<void>>();
  const upload = async (wpId: string): Promise<void> => {
    // Names are unique within a workflow run: the attempt keeps a re-run's upload from colliding with the first.
    const name = `kitty-orchestrator-logs-${options.slug}-${wpId}-${context.runId}-${context.runAttempt}`;
    try {
      const names = await readdir(options.logDir).catch(() => [] as string[]);
      const files = names.filter((n) => n.startsWith(`${wpId}-`) && n.endsWith('.log'));
      if (files.length === 0) return;
      const paths = files.map((f) => path.join(options.logDir, f));
      const { id } = await options.artifact.uploadArtifact(name, paths, options.logDir, {
        retentionDays: RETENTION_DAYS,
      });
      if (id !== undefined && context.repository) {
        const { owner, repo } = context.repository;
        urls[wpId] = `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}/artifacts/${id}`;
      }
      options.logger.info(`Uploaded the agent logs of ${wpId} as the artifact ${name}.`);
    } catch (error) {
      options.logger.warn(
        `Could not upload the agent logs of ${wpId} as an artifact: ${errorMessage(error)}`,
      );
    }
  };
  return {
    upload(wpId) {
      const running = started.get(wpId) ?? upload(wpId);
      started.set(wpId, running);
      return running;
    },
    urls,
  };
}
