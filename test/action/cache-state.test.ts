import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as cache from '@actions/cache';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStateCache, type StateCacheOptions } from '../../src/action/cache-state.js';
import { startCacheService, type CacheServiceStandIn } from '../stand-ins/cache-service.js';
import { memoryLogger } from '../stand-ins/memory-logger.js';

const SLUG = '001-demo';

describe('state cache with the real @actions/cache and a local cache service (v2)', () => {
  let service: CacheServiceStandIn;
  let workspace: string;
  let temp: string;
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();

  beforeAll(async () => {
    service = await startCacheService();
  });
  afterAll(() => service.close());

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'kitty-cache-ws-'));
    temp = await mkdtemp(path.join(os.tmpdir(), 'kitty-cache-tmp-'));
    Object.assign(process.env, service.env(temp), { GITHUB_WORKSPACE: workspace });
    delete process.env.GITHUB_SERVER_URL;
    // @actions/cache globs paths from the cwd and archives them relative to GITHUB_WORKSPACE; the runner
    // starts actions in the workspace, so do the same.
    process.chdir(workspace);
  });
  afterEach(async () => {
    process.chdir(savedCwd);
    process.env = { ...savedEnv };
    await rm(workspace, { recursive: true, force: true });
    await rm(temp, { recursive: true, force: true });
  });

  const options = (overrides: Partial<StateCacheOptions> = {}): StateCacheOptions => ({
    cache,
    logger: memoryLogger(),
    repoDir: workspace,
    workspace,
    slug: SLUG,
    prefix: 'kitty',
    scope: 'pr-7',
    runId: '100',
    runAttempt: '1',
    ...overrides,
  });

  async function writeState(events: string): Promise<void> {
    const dir = path.join(workspace, '.kittify', 'orchestration', SLUG);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'events.jsonl'), events);
    await mkdir(path.join(dir, 'run.lock'), { recursive: true });
    await writeFile(path.join(dir, 'owner.json'), '{"pid":1,"hostname":"elsewhere"}');
    await mkdir(path.join(workspace, '.kittify', 'logs', SLUG), { recursive: true });
    await writeFile(
      path.join(workspace, '.kittify', 'logs', SLUG, 'WP01-implementation-1.log'),
      'agent output\n',
    );
  }

  it('saves under a new key each time and restores the newest by prefix, without locks or pid files', async () => {
    const first = createStateCache(options());
    expect(await first.restore()).toBeNull();

    await writeState('{"seq":1}\n');
    expect(await first.save(1)).toBe('kitty-001-demo-pr-7-100-1-1');
    await writeState('{"seq":1}\n{"seq":2}\n');
    expect(await first.save(2)).toBe('kitty-001-demo-pr-7-100-1-2');

    // A re-run (attempt 2) in a fresh workspace.
    await rm(path.join(workspace, '.kittify'), { recursive: true });
    const rerunLogger = memoryLogger();
    const restored = await createStateCache(options({ runAttempt: '2', logger: rerunLogger })).restore();
    expect(restored, rerunLogger.warnings.join('\n')).toBe('kitty-001-demo-pr-7-100-1-2');
    const dir = path.join(workspace, '.kittify', 'orchestration', SLUG);
    expect(await readFile(path.join(dir, 'events.jsonl'), 'utf8')).toBe('{"seq":1}\n{"seq":2}\n');
    expect(
      await readFile(path.join(workspace, '.kittify', 'logs', SLUG, 'WP01-implementation-1.log'), 'utf8'),
    ).toBe('agent output\n');
    await expect(stat(path.join(dir, 'run.lock'))).rejects.toThrow();
    await expect(stat(path.join(dir, 'owner.json'))).rejects.toThrow();
    // Pid files name processes of the machine that saved them: never trusted on this one.
    await expect(stat(path.join(workspace, '.kittify', 'logs', SLUG, '.pids'))).rejects.toThrow();
    // The production download path: properties, then ranged reads of the blob.
    expect(service.log).toContain('HEAD blob 200');
    expect(service.log).toContain('GET blob 206');
    expect(service.violations).toEqual([]);
  });

  it('treats a taken key (409) as "not saved", never as an error', async () => {
    await writeState('{"seq":1}\n');
    const logger = memoryLogger();
    const state = createStateCache(options({ runId: '200', logger }));
    expect(await state.save(1)).toBe('kitty-001-demo-pr-7-200-1-1');
    expect(await state.save(1)).toBeNull();
    expect(service.log).toContain('CreateCacheEntry 409');
    expect(logger.warnings.join('\n')).toMatch(/not saved under kitty-001-demo-pr-7-200-1-1/);
  });

  it('keeps PRs apart and saves nothing when there is no state', async () => {
    const logger = memoryLogger();
    const other = createStateCache(options({ scope: 'pr-8', runId: '300', logger }));
    expect(await other.save(1)).toBeNull();
    expect(logger.infos).toContain('No orchestration state to save yet.');
    expect(await other.restore()).toBeNull();
  });

  it('says so when the cache service is not available', async () => {
    delete process.env.ACTIONS_RESULTS_URL;
    const logger = memoryLogger();
    expect(await createStateCache(options({ logger })).restore()).toBeNull();
    expect(logger.warnings.join('\n')).toMatch(/not available/);
  });

  it('refuses a working directory outside the workspace', () => {
    expect(() => createStateCache(options({ repoDir: os.tmpdir() }))).toThrow(/outside the workspace/);
  });
});
