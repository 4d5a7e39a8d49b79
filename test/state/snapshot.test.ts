import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStore, statePaths } from '../../src/state/file-store.js';
import { reduce } from '../../src/state/reduce.js';
import { createThrottledSnapshotWriter, readSnapshotFile } from '../../src/state/snapshot.js';
import type { OrchestrationRun } from '../../src/state/types.js';
import { lane, runStarted, stamp } from './builders.js';

const FEATURE = '001-demo';
let repoDir: string;

beforeEach(async () => {
  repoDir = await mkdtemp(path.join(tmpdir(), 'kitty-snap-'));
});
afterEach(async () => {
  await rm(repoDir, { recursive: true, force: true });
});

/** Runs differing by lastSeq: run(n) is the run after n events. */
function run(n: number): OrchestrationRun {
  const events = stamp([
    runStarted('r', ['WP01']),
    ...Array.from({ length: n - 1 }, () => lane('WP01', 'in_progress')),
  ]);
  return reduce(events)!;
}

const readJson = async (file: string): Promise<{ version: number; feature: string; run: OrchestrationRun }> =>
  JSON.parse(await readFile(file, 'utf8')) as { version: number; feature: string; run: OrchestrationRun };

describe('snapshots', () => {
  it('writes the feature snapshot and the repo-wide one, keeping the previous as .bak', async () => {
    const store = createFileStore({ repoDir, feature: FEATURE });
    const paths = statePaths(repoDir, FEATURE);
    await store.writeSnapshot(run(1));
    await store.writeSnapshot(run(2));
    for (const file of [paths.featureSnapshot, paths.globalSnapshot]) {
      expect(await readJson(file)).toEqual({ version: 1, feature: '001-demo', run: run(2) });
      expect((await readJson(`${file}.bak`)).run.lastSeq).toBe(1);
    }
    expect(paths.globalSnapshot).toBe(path.join(repoDir, '.kittify', 'orchestration-state.json'));
    expect((await readSnapshotFile(paths.featureSnapshot))!.run).toEqual(run(2));
  });

  it('never backs up a corrupt snapshot over a good backup: it is moved aside instead', async () => {
    const store = createFileStore({ repoDir, feature: FEATURE });
    const file = statePaths(repoDir, FEATURE).featureSnapshot;
    await store.writeSnapshot(run(1));
    await store.writeSnapshot(run(2));
    await writeFile(file, 'garbage');
    await store.writeSnapshot(run(3));
    expect((await readJson(file)).run.lastSeq).toBe(3);
    expect((await readJson(`${file}.bak`)).run.lastSeq).toBe(1);
    expect(await readFile(`${file}.corrupt`, 'utf8')).toBe('garbage');
  });

  it('refuses a snapshot from an unknown version', async () => {
    const file = path.join(repoDir, 'snap.json');
    await writeFile(file, JSON.stringify({ version: 2, feature: 'x', run: {} }));
    await expect(readSnapshotFile(file)).rejects.toThrow(`${file}: corrupt snapshot (unknown version 2`);
  });
});

describe('throttled snapshot writer', () => {
  it('coalesces writes, the latest run wins, and flush persists it', async () => {
    const store = createFileStore({ repoDir, feature: FEATURE });
    const written: number[] = [];
    const writer = createThrottledSnapshotWriter(
      { writeSnapshot: (r) => (written.push(r.lastSeq), store.writeSnapshot(r)) },
      60_000,
    );
    for (let n = 1; n <= 50; n++) writer.write(run(n));
    await writer.flush();
    // The first write starts at once; the other 49 collapse into the latest, written by flush.
    expect(written).toEqual([1, 50]);
    expect((await readSnapshotFile(statePaths(repoDir, FEATURE).featureSnapshot))!.run.lastSeq).toBe(50);
    await writer.flush();
    expect(written).toEqual([1, 50]);
  });

  it('reports failures to onError and rejects flush while the latest snapshot is not on disk', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writer = createThrottledSnapshotWriter(
      { writeSnapshot: () => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()) },
      0,
      (e) => errors.push(e),
    );
    writer.write(run(1));
    await expect(writer.flush()).rejects.toThrow('disk full');
    expect(errors).toHaveLength(1);
    fail = false;
    writer.write(run(2));
    await expect(writer.flush()).resolves.toBeUndefined();
  });
});
