import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFileStore, statePaths } from '../../src/state/file-store.js';
import { reduce } from '../../src/state/reduce.js';
import {
  createThrottledSnapshotWriter,
  readSnapshotFile,
  serializeSnapshot,
} from '../../src/state/snapshot.js';
import type { OrchestrationRun } from '../../src/state/types.js';
import { FEATURE, lane, runStarted, stamp, useStateRepo } from './builders.js';

// readFile as it is, counted: the tests tell a backup written from memory from one read back from disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return { ...fs, readFile: vi.fn(fs.readFile) };
});

/** How often `file` was read since the last `forgetReads()`. */
const readsOf = (file: string): number => vi.mocked(readFile).mock.calls.filter(([f]) => f === file).length;
const forgetReads = (): void => {
  vi.mocked(readFile).mockClear();
};

const repo = useStateRepo();

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
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const paths = statePaths(repo.dir, FEATURE);
    await store.writeSnapshot(run(1));
    await store.writeSnapshot(run(2));
    for (const file of [paths.featureSnapshot, paths.globalSnapshot]) {
      expect(await readJson(file)).toEqual({
        version: 1,
        feature: FEATURE,
        run: run(2),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect((await readJson(`${file}.bak`)).run.lastSeq).toBe(1);
    }
    expect(paths.globalSnapshot).toBe(path.join(repo.dir, '.kittify', 'orchestration-state.json'));
    expect((await readSnapshotFile(paths.featureSnapshot))!.run).toEqual(run(2));
  });

  it('backs up from memory what it last wrote, reading a snapshot only on the first write', async () => {
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const paths = statePaths(repo.dir, FEATURE);
    const files = [paths.featureSnapshot, paths.globalSnapshot];
    for (let n = 1; n <= 3; n++) {
      forgetReads();
      await store.writeSnapshot(run(n));
      // The first write looks at what is there (nothing, here); later ones know what they left.
      for (const file of files) expect(readsOf(file)).toBe(n === 1 ? 1 : 0);
      for (const file of files) {
        expect(await readFile(file, 'utf8')).toBe(serializeSnapshot(run(n)));
        if (n > 1) expect(await readFile(`${file}.bak`, 'utf8')).toBe(serializeSnapshot(run(n - 1)));
      }
    }
    // A new store (a resumed process) remembers nothing: its first write reads the file to validate it.
    forgetReads();
    await createFileStore({ repoDir: repo.dir, feature: FEATURE }).writeSnapshot(run(4));
    for (const file of files) {
      expect(readsOf(file)).toBe(1);
      expect((await readJson(`${file}.bak`)).run.lastSeq).toBe(3);
    }
  });

  it("on a process's first write, moves a corrupt snapshot aside and keeps the good backup", async () => {
    const file = statePaths(repo.dir, FEATURE).featureSnapshot;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(`${file}.bak`, serializeSnapshot(run(1)));
    await writeFile(file, '{"version":1,"feature":');
    await createFileStore({ repoDir: repo.dir, feature: FEATURE }).writeSnapshot(run(3));
    expect((await readJson(file)).run.lastSeq).toBe(3);
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(serializeSnapshot(run(1)));
    expect(await readFile(`${file}.corrupt`, 'utf8')).toBe('{"version":1,"feature":');
  });

  it('notices a snapshot changed under it: a corrupt one is moved aside, never backed up', async () => {
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const file = statePaths(repo.dir, FEATURE).featureSnapshot;
    await store.writeSnapshot(run(1));
    await store.writeSnapshot(run(2));
    await writeFile(file, 'garbage');
    await store.writeSnapshot(run(3));
    expect((await readJson(file)).run.lastSeq).toBe(3);
    expect((await readJson(`${file}.bak`)).run.lastSeq).toBe(1);
    expect(await readFile(`${file}.corrupt`, 'utf8')).toBe('garbage');
  });

  it('backs up the repo-wide snapshot another feature wrote meanwhile, not its own last one', async () => {
    const ours = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const global = statePaths(repo.dir, FEATURE).globalSnapshot;
    await ours.writeSnapshot(run(1));
    const theirs = { ...run(7), feature: '002-other' };
    await createFileStore({ repoDir: repo.dir, feature: '002-other' }).writeSnapshot(theirs);
    await ours.writeSnapshot(run(2));
    expect(await readFile(`${global}.bak`, 'utf8')).toBe(serializeSnapshot(theirs));
    expect((await readJson(global)).run.lastSeq).toBe(2);
  });

  it('trusts its own sealed snapshots, and validates one whose text changed after it was sealed', async () => {
    const file = path.join(repo.dir, 'snap.json');
    const text = serializeSnapshot(run(2));
    await writeFile(file, text);
    expect((await readSnapshotFile(file))?.run).toEqual(run(2));
    // Same shape of text, a value the schema refuses: the seal no longer matches, so the schema sees it.
    await writeFile(file, text.replace('"wpsTotal":1', '"wpsTotal":-1'));
    await expect(readSnapshotFile(file)).rejects.toThrow(/wpsTotal/);
    // A valid edit by hand is read like any unsealed snapshot.
    await writeFile(file, text.replace('"retries":0', '"retries":3'));
    expect((await readSnapshotFile(file))?.run.retries).toBe(3);
  });

  it('refuses a snapshot from an unknown version', async () => {
    const file = path.join(repo.dir, 'snap.json');
    await writeFile(file, JSON.stringify({ version: 2, feature: 'x', run: {} }));
    await expect(readSnapshotFile(file)).rejects.toThrow(
      `${file}: unknown version 2; a newer kitty-orchestrator wrote it? (a corrupt snapshot`,
    );
  });
});

describe('throttled snapshot writer', () => {
  it('coalesces writes, the latest run wins, and flush persists it', async () => {
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const written: number[] = [];
    const writer = createThrottledSnapshotWriter(
      { writeSnapshot: (r) => (written.push(r.lastSeq), store.writeSnapshot(r)) },
      60_000,
    );
    for (let n = 1; n <= 50; n++) writer.write(run(n));
    await writer.flush();
    // The first write starts at once; the other 49 collapse into the latest, written by flush.
    expect(written).toEqual([1, 50]);
    expect((await readSnapshotFile(statePaths(repo.dir, FEATURE).featureSnapshot))!.run.lastSeq).toBe(50);
    await writer.flush();
    expect(written).toEqual([1, 50]);
  });

  it('asks the period of the run it is about to write: a bigger run waits longer', async () => {
    const written: number[] = [];
    const asked: number[] = [];
    const writer = createThrottledSnapshotWriter(
      { writeSnapshot: (r) => (written.push(r.lastSeq), Promise.resolve()) },
      (r) => (asked.push(r.lastSeq), r.lastSeq > 1 ? 60_000 : 0),
    );
    writer.write(run(1));
    await vi.waitFor(() => expect(written).toEqual([1]));
    for (let n = 2; n <= 5; n++) writer.write(run(n));
    await new Promise((resolve) => setImmediate(resolve));
    // Runs after the first get a minute: nothing more is written until flush.
    expect(written).toEqual([1]);
    expect(asked.at(-1)).toBe(5);
    await writer.flush();
    expect(written).toEqual([1, 5]);
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
