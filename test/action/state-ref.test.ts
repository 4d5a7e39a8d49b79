import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStateRef, stateRefName } from '../../src/action/state-ref.js';
import { statePaths } from '../../src/state/index.js';
import {
  cloneWorkspace,
  git,
  makeOrigin,
  SHOP_FEATURE,
  simAgents,
  TempDirs,
} from '../stand-ins/action-repo.js';
import { memoryLogger, type MemoryLogger } from '../stand-ins/memory-logger.js';

const temp = new TempDirs();
afterEach(() => temp.cleanup());

/** A log of `count` events of one run of 001-shop. */
function eventLog(count: number): string {
  const events = [
    {
      seq: 1,
      at: '2026-12-01T10:00:00.000Z',
      type: 'run_started',
      runId: 'r1',
      feature: '001-shop',
      configHash: 'h',
      workPackages: [{ id: 'WP01', title: 'Cart', dependencies: [] }],
    },
    ...Array.from({ length: count - 1 }, (_, i) => ({
      seq: i + 2,
      at: '2026-12-01T10:00:01.000Z',
      type: 'lane_changed',
      wp: 'WP01',
      lane: i % 2 === 0 ? 'in_progress' : 'planned',
      reason: 'test',
    })),
  ];
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

const refIn = (repoDir: string, logger: MemoryLogger) =>
  createStateRef({ repoDir, slug: '001-shop', branch: 'main', prefix: 'kitty', logger });

async function writeLog(repo: string, text: string): Promise<string> {
  const paths = statePaths(repo, '001-shop');
  await mkdir(paths.featureDir, { recursive: true });
  await writeFile(paths.events, text);
  return paths.events;
}

describe('the state ref', () => {
  it('names one ref per feature and branch, the branch as a single safe component', () => {
    expect(stateRefName('kitty', '001-shop', 'main')).toBe(
      'refs/kitty-orchestrator/state/kitty/001-shop/main',
    );
    expect(stateRefName('k.v2', '001-shop', 'feature/x~1.lock')).toBe(
      'refs/kitty-orchestrator/state/k%2Ev2/001-shop/feature%2Fx%7E1%2Elock',
    );
    for (const branch of ["a/b(c)*!'é", '.hidden', 'x..y', 'a@{1}', 'é/ü']) {
      const ref = stateRefName('.p', '001-shop', branch);
      expect(git(os.tmpdir(), 'check-ref-format', '--print', ref)).toBe(ref);
      expect(ref.split('/')).toHaveLength(6);
    }
  });

  it('round-trips the log and meta through the remote, and restores only a log that is further on', async () => {
    const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
    const first = await cloneWorkspace(temp, origin);
    await writeLog(first, eventLog(5));
    const logger = memoryLogger();
    const ref = refIn(first, logger);
    expect(await ref.save({ pullNumber: 7, commentId: 99 })).toBe(true);
    // Plumbing only: the branch, index and work tree are untouched.
    expect(git(first, 'status', '--porcelain')).toBe('');
    expect(git(first, 'rev-parse', 'HEAD')).toBe(git(origin, 'rev-parse', 'main'));
    const files = git(origin, 'ls-tree', '--name-only', ref.ref).split('\n');
    expect(files.sort()).toEqual(['events.jsonl', 'logs.json', 'meta.json']);

    // A fresh clone with no state takes the ref's log.
    const second = await cloneWorkspace(temp, origin);
    const other = refIn(second, logger);
    await other.fetch();
    expect(await other.restore()).toEqual({ pullNumber: 7, commentId: 99 });
    const restored = await readFile(statePaths(second, '001-shop').events, 'utf8');
    expect(restored.trim().split('\n')).toHaveLength(5);

    // A clone whose (cached) log is further on keeps it.
    const third = await cloneWorkspace(temp, origin);
    const longer = eventLog(8);
    const file = await writeLog(third, longer);
    const again = refIn(third, logger);
    await again.fetch();
    await again.restore();
    expect(await readFile(file, 'utf8')).toBe(longer);
    expect(logger.warnings).toEqual([]);
  });

  it('is quiet without a ref, and warns, never throws, when the push is refused', async () => {
    const origin = await makeOrigin(temp, SHOP_FEATURE, simAgents());
    const repo = await cloneWorkspace(temp, origin);
    const logger = memoryLogger();
    const ref = refIn(repo, logger);
    await ref.fetch();
    expect(await ref.restore()).toBeNull();
    expect(logger.warnings).toEqual([]);

    await writeLog(repo, eventLog(3));
    git(repo, 'remote', 'set-url', 'origin', path.join(os.tmpdir(), 'no-such-remote-kitty'));
    expect(await ref.save({ pullNumber: null, commentId: null })).toBe(false);
    expect(logger.warnings.join('\n')).toMatch(/Could not push the state ref .*contents: write/);
  });
});
