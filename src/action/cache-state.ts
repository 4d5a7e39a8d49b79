import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pidDir } from '../engine/attempt.js';
import type { Logger } from '../engine/types.js';
import { errorMessage, KittyError } from '../errors.js';
import { featureLogDir } from '../run-feature.js';
import { runLockPath, statePaths } from '../state/index.js';

/**
 * The orchestration state in the Actions cache. The cache is the run's memory between jobs: a re-run restores
 * the newest state of this feature and PR, and `resume: 'auto'` carries on from it.
 *
 * Cache keys are immutable, so every save takes a new key, `<prefix>-<feature>-<pr-or-ref>-<run_id>-<run_attempt>-<seq>`;
 * restoring by the prefix `<prefix>-<feature>-<pr-or-ref>-` gets the newest. Only the feature's state and logs
 * are cached: never the environment (state holds no secret; logs are redacted as they are written).
 */

/** The slice of `@actions/cache` used here: a port, so tests can hand in the real library or a fake. */
export interface CachePort {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface StateCacheOptions {
  cache: CachePort;
  logger: Logger;
  repoDir: string;
  /** `GITHUB_WORKSPACE`: the cache archives paths relative to it (and the runner starts actions there). */
  workspace: string;
  /** The feature's directory name under kitty-specs/. */
  slug: string;
  prefix: string;
  /** `pr-7` or the ref name: a PR's state never leaks into another PR's run. */
  scope: string;
  runId: string;
  runAttempt: string;
}

export interface StateCache {
  /** The key prefix every save of this feature and scope shares. */
  readonly keyPrefix: string;
  /** Restore the newest saved state; returns its key, or null when there was none (or no cache service). */
  restore(): Promise<string | null>;
  /** Save the state under a new key ending in `seq`; returns the key, or null when nothing was saved. */
  save(seq: number): Promise<string | null>;
}

/** The cache's own limit on a key, and the character it splits key lists on. */
const MAX_KEY_LENGTH = 512;

export function createStateCache(options: StateCacheOptions): StateCache {
  const keyPrefix = `${options.prefix}-${options.slug}-${options.scope}-`;
  if (keyPrefix.length + 60 > MAX_KEY_LENGTH || keyPrefix.includes(',')) {
    throw new KittyError('usage', `state cache key prefix "${keyPrefix}" is too long or holds a comma`);
  }
  const paths = cachePaths(options);
  const thisRun = `${keyPrefix}${options.runId}-${options.runAttempt}`;
  return {
    keyPrefix,
    restore: () => restore(options, paths, thisRun, keyPrefix),
    save: (seq) => save(options, paths, `${thisRun}-${seq}`),
  };
}

/**
 * The cached paths, relative to the workspace, identical at restore and save: the cache's version hash covers
 * the path list, so any difference would make every restore miss.
 */
function cachePaths(options: StateCacheOptions): string[] {
  const relative = (dir: string) => path.relative(options.workspace, dir).split(path.sep).join('/');
  const dirs = [
    statePaths(options.repoDir, options.slug).featureDir,
    featureLogDir(options.repoDir, options.slug),
  ];
  const paths = dirs.map(relative);
  if (paths.some((p) => p.startsWith('..') || path.isAbsolute(p))) {
    throw new KittyError(
      'usage',
      `working-directory ${options.repoDir} is outside the workspace ${options.workspace}: the Actions cache can only hold paths inside it`,
    );
  }
  return paths;
}

async function restore(
  options: StateCacheOptions,
  paths: string[],
  primary: string,
  prefix: string,
): Promise<string | null> {
  if (!options.cache.isFeatureAvailable()) {
    options.logger.warn('The Actions cache service is not available: starting without saved state.');
    return null;
  }
  try {
    const key = await options.cache.restoreCache(paths, primary, [prefix]);
    if (!key) {
      options.logger.info(`No saved state for ${prefix}*: starting a new run.`);
      return null;
    }
    await removeMachineLocalState(options);
    options.logger.info(`Restored orchestration state from the Actions cache (${key}).`);
    return key;
  } catch (error) {
    options.logger.warn(
      `Could not restore the orchestration state (${errorMessage(error)}): starting without it.`,
    );
    return null;
  }
}

/**
 * Restored state that only meant something on the machine that wrote it. The run lock belongs to a process of an
 * earlier job: left in place it would make this run wait out the stale period, or refuse to start. The agents'
 * pid files name process groups on that other machine: here the same numbers may be anyone's, and the engine
 * stops "leftover agents" by them.
 */
async function removeMachineLocalState(options: StateCacheOptions): Promise<void> {
  const dir = statePaths(options.repoDir, options.slug).featureDir;
  const names = await readdir(dir).catch(() => [] as string[]);
  const locks = names
    .filter((name) => name.endsWith('.lock') || name === 'owner.json')
    .map((n) => path.join(dir, n));
  const pids = pidDir(featureLogDir(options.repoDir, options.slug));
  await Promise.all([runLockPath(dir), ...locks, pids].map((p) => rm(p, { recursive: true, force: true })));
}

async function save(options: StateCacheOptions, paths: string[], key: string): Promise<string | null> {
  if (!options.cache.isFeatureAvailable()) {
    options.logger.warn(
      'The Actions cache service is not available: the state was not saved; a re-run starts over.',
    );
    return null;
  }
  const existing = await Promise.all(paths.map((p) => exists(path.join(options.workspace, p))));
  if (!existing.some(Boolean)) {
    options.logger.info('No orchestration state to save yet.');
    return null;
  }
  try {
    // -1 means the key was taken (409) or the upload failed; @actions/cache has logged why. Not fatal: the
    // WP branches pushed so far still hold the work, and the next save tries a new key.
    const id = await options.cache.saveCache(paths, key);
    if (id === -1) {
      options.logger.warn(
        `The orchestration state was not saved under ${key} (see the cache messages above).`,
      );
      return null;
    }
    options.logger.info(`Saved the orchestration state to the Actions cache (${key}).`);
    return key;
  } catch (error) {
    options.logger.warn(`Could not save the orchestration state under ${key}: ${errorMessage(error)}`);
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
