import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { createFileStore, statePaths } from '../../src/state/file-store.js';
import { readStatus } from '../../src/state/read-status.js';
import { reduce } from '../../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent } from '../../src/state/types.js';
import { FEATURE, finished, lane, runStarted, started, useStateRepo } from './builders.js';

const repo = useStateRepo();

/** A clock that ticks one second per call, from a fixed start. */
function tickingClock(): { now(): Date } {
  let t = Date.parse('2025-05-05T12:00:00.000Z');
  return { now: () => new Date((t += 1000)) };
}

const store = () => createFileStore({ repoDir: repo.dir, feature: FEATURE, clock: tickingClock() });

function line(seq: number, event: NewEvent): string {
  return `${JSON.stringify({ seq, at: '2025-05-05T12:00:00.000Z', ...event })}\n`;
}

describe('file store: the event log', () => {
  it('round-trips events, stamping seq and the injected clock', async () => {
    const a = store();
    expect(await a.load()).toEqual([]);
    const first = await a.append([runStarted('r', ['WP01']), lane('WP01', 'claimed')]);
    const second = await a.append([started('WP01', 'implementation', 'claude', 1)]);
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first[0]!.at).toBe('2025-05-05T12:00:01.000Z');
    expect(second[0]!.at).toBe('2025-05-05T12:00:02.000Z');
    expect(await createFileStore({ repoDir: repo.dir, feature: FEATURE }).load()).toEqual([
      ...first,
      ...second,
    ]);
    expect(a.location).toBe(path.join(repo.dir, '.kittify', 'orchestration', FEATURE));

    // A new store (a resumed process) continues the sequence.
    const b = store();
    const [next] = await b.append([lane('WP01', 'in_progress')]);
    expect(next!.seq).toBe(4);
    const text = await readFile(repo.events, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(4);
  });

  it('tolerates a torn last line, leaves it be, and starts the next append on a fresh line', async () => {
    const torn =
      line(1, runStarted('r', ['WP01'])) + line(2, lane('WP01', 'claimed')) + '{"seq":3,"at":"2025-05';
    await repo.writeLog(torn);
    const events = await store().load();
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(await readFile(repo.events, 'utf8')).toBe(torn);

    const s = store();
    const [appended] = await s.append([lane('WP01', 'in_progress')]);
    expect(appended!.seq).toBe(3);
    const text = await readFile(repo.events, 'utf8');
    expect(text.startsWith(`${torn}\n{"seq":3,`)).toBe(true);

    // Later loads still accept the remnant: the seq after it shows it was never committed.
    const reloaded = await store().load();
    expect(reloaded.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(reduce(reloaded)!.workPackages.WP01!.lane).toBe('in_progress');
    const [more] = await store().append([lane('WP01', 'done')]);
    expect(more!.seq).toBe(4);
  });

  it('accepts a last event that lost only its newline', async () => {
    await repo.writeLog(line(1, runStarted('r', ['WP01'])).trimEnd());
    const s = store();
    expect(await s.load()).toHaveLength(1);
    await s.append([lane('WP01', 'done')]);
    expect((await store().load()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses a corrupt middle line, naming file:line, and leaves the file byte-identical', async () => {
    const text =
      line(1, runStarted('r', ['WP01'])) +
      '{"seq":2,"at":"2025-05-05T1 garbage\n' +
      line(3, lane('WP01', 'done'));
    await repo.writeLog(text);
    const before = await readFile(repo.events);
    const error = await store()
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KittyError);
    expect((error as KittyError).kind).toBe('corrupt');
    expect((error as KittyError).message).toBe(
      `${repo.events}:2: not valid JSON (a corrupt state event; fix or move the file — it was left untouched)`,
    );
    // An append must not write past the damage either.
    await expect(store().append([lane('WP01', 'done')])).rejects.toThrow(`${repo.events}:2:`);
    expect(await readFile(repo.events)).toEqual(before);
    await expect(readStatus({ repoDir: repo.dir, feature: FEATURE })).rejects.toThrow(`${repo.events}:2:`);
  });

  it('refuses lines that parse but are not events, or go back in seq', async () => {
    await repo.writeLog(line(1, runStarted('r', ['WP01'])) + '[1,2]\n');
    await expect(store().load()).rejects.toThrow(
      `${repo.events}:2: not a JSON object (a corrupt state event`,
    );
    await repo.writeLog(
      line(1, runStarted('r', ['WP01'])) + line(2, lane('WP01', 'claimed')) + line(2, lane('WP01', 'done')),
    );
    await expect(store().load()).rejects.toThrow(
      `${repo.events}:3: seq 2 does not follow 2 (a corrupt state event`,
    );
  });

  it('serialises concurrent appends: seq strictly increasing, whole lines only', async () => {
    const s = store();
    await s.append([runStarted('r', ['WP01'])]);
    const batches = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: (i % 3) + 1 }, () => finished('WP01', 'implementation', 'a', i + 1)),
    );
    const results = await Promise.all(batches.map((batch) => s.append(batch)));
    const returned = results.flat().map((e) => e.seq);
    expect(new Set(returned).size).toBe(returned.length);
    for (const batch of results) {
      batch.forEach((e, i) => i > 0 && expect(e.seq).toBe(batch[i - 1]!.seq + 1));
    }
    const lines = (await readFile(repo.events, 'utf8')).trimEnd().split('\n');
    const seqs = lines.map((l) => (JSON.parse(l) as OrchestrationEvent).seq);
    expect(seqs).toEqual(Array.from({ length: returned.length + 1 }, (_, i) => i + 1));
  });

  it('re-reads the log after a failed append, so lines a failed write did land keep their seq', async () => {
    const s = store();
    await s.append([runStarted('r', ['WP01'])]);
    const log = await readFile(repo.events, 'utf8');
    const dir = path.dirname(repo.events);
    await rm(dir, { recursive: true });
    await writeFile(dir, 'a file where the directory was');
    await expect(s.append([lane('WP01', 'claimed')])).rejects.toThrow(`cannot append to ${repo.events}`);
    await rm(dir);
    await repo.writeLog(log + line(2, lane('WP01', 'claimed')));
    const [next] = await s.append([lane('WP01', 'in_progress')]);
    expect(next!.seq).toBe(3);
    expect((await store().load()).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('checks the tail again when the log changed since its own last append, and recreates a lost directory', async () => {
    const s = store();
    await s.append([runStarted('r', ['WP01'])]);
    // Another writer (there should be none: the run lock) leaves a torn line behind.
    await writeFile(repo.events, '{"seq":2,"at":"2025', { flag: 'a' });
    const [second] = await s.append([lane('WP01', 'claimed')]);
    expect(second!.seq).toBe(2);
    expect((await readFile(repo.events, 'utf8')).split('\n')[2]).toMatch(/^\{"seq":2,"at":/);
    expect((await store().load()).map((e) => e.seq)).toEqual([1, 2]);

    await rm(path.dirname(repo.events), { recursive: true });
    const [third] = await s.append([lane('WP01', 'in_progress')]);
    expect(third!.seq).toBe(3);
    expect(await readFile(repo.events, 'utf8')).toMatch(/^\{"seq":3,/);
  });

  it('refuses a feature name that is not a directory name', () => {
    expect(() => createFileStore({ repoDir: repo.dir, feature: '../evil' })).toThrow(KittyError);
    expect(() => createFileStore({ repoDir: repo.dir, feature: '' })).toThrow(/not a directory name/);
  });
});

describe('readStatus', () => {
  it('answers from the log even when the snapshot lags behind', async () => {
    const s = store();
    const events = await s.append([runStarted('r', ['WP01']), lane('WP01', 'in_progress')]);
    await s.writeSnapshot(reduce(events)!);
    await s.append([
      lane('WP01', 'done'),
      { type: 'run_finished', status: 'completed', message: 'all done' },
    ]);
    const run = await readStatus({ repoDir: repo.dir, feature: FEATURE });
    expect(run).toMatchObject({ status: 'completed', wpsCompleted: 1, lastSeq: 4 });
    // Without a feature: the feature of the latest snapshot, still read from its log.
    expect(await readStatus({ repoDir: repo.dir })).toEqual(run);
  });

  it('falls back to the snapshot when there is no log, and is null when nothing was recorded', async () => {
    expect(await readStatus({ repoDir: repo.dir })).toBeNull();
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toBeNull();
    const events = await store().append([runStarted('r', ['WP01'])]);
    const run = reduce(events)!;
    await store().writeSnapshot(run);
    await rm(repo.events);
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(run);
  });

  it('without a snapshot, picks the feature whose log was written last', async () => {
    await createFileStore({ repoDir: repo.dir, feature: '002-other' }).append([runStarted('o', ['WP01'])]);
    expect((await readStatus({ repoDir: repo.dir }))!.runId).toBe('o');
  });

  it('reports a corrupt snapshot naming the file and its backup, leaving it untouched', async () => {
    const file = statePaths(repo.dir, FEATURE).featureSnapshot;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"version":1,"feature":');
    await expect(readStatus({ repoDir: repo.dir, feature: FEATURE })).rejects.toThrow(
      `${file}: not valid JSON: `,
    );
    await expect(readStatus({ repoDir: repo.dir, feature: FEATURE })).rejects.toThrow(`${file}.bak`);
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"feature":');
  });
});
