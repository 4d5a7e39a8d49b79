import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFileStore, readEventLog, statePaths } from '../../src/state/file-store.js';
import { readStatus } from '../../src/state/read-status.js';
import { reduce } from '../../src/state/reduce.js';
import { readSnapshotFile, serializeSnapshot } from '../../src/state/snapshot.js';
import type { NewEvent, OrchestrationEvent } from '../../src/state/types.js';
import { FEATURE, finished, lane, runStarted, started, useStateRepo } from './builders.js';

const repo = useStateRepo();

function tickingClock(): { now(): Date } {
  let t = Date.parse('2025-05-05T12:00:00.000Z');
  return { now: () => new Date((t += 1000)) };
}

const snapshotFile = (): string => statePaths(repo.dir, FEATURE).featureSnapshot;

const WPS = ['WP01', 'WP02', 'WP03'];
const LIFE: NewEvent[] = WPS.flatMap((wp) => [
  lane(wp, 'claimed'),
  started(wp, 'implementation', 'claude', 1),
  finished(wp, 'implementation', 'claude', 1, { costUsd: 0.5, tokens: { input: 10, output: 5 } }),
  lane(wp, 'done'),
]);

/** Record `head`, snapshot it through the store (so the snapshot carries its mark), then record `tail`. */
async function recordWithSnapshot(head: NewEvent[], tail: NewEvent[]): Promise<OrchestrationEvent[]> {
  const store = createFileStore({ repoDir: repo.dir, feature: FEATURE, clock: tickingClock() });
  const first = await store.append(head);
  await store.writeSnapshot(reduce(first)!);
  return [...first, ...(await store.append(tail))];
}

describe('status: the snapshot plus the log after its mark', () => {
  it('marks each snapshot with the byte offset and seq of its last event', async () => {
    const events = await recordWithSnapshot([runStarted('r', WPS), ...LIFE.slice(0, 3)], []);
    const snapshot = await readSnapshotFile(snapshotFile());
    const log = await readFile(repo.events);
    expect(snapshot?.log).toEqual({ offset: log.length, seq: events.at(-1)!.seq });
  });

  it('folds only the events after the mark: exact, and without reading the lines before it', async () => {
    const events = await recordWithSnapshot([runStarted('r', WPS), ...LIFE.slice(0, 5)], LIFE.slice(5));
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(reduce(events));
    // Spoil a line before the mark (same length): a full replay would now fail, the tail replay never sees it.
    const text = await readFile(repo.events, 'utf8');
    const second = text.split('\n')[1]!;
    await writeFile(repo.events, text.replace(second, '#'.repeat(second.length)));
    expect(await readStatus({ repoDir: repo.dir })).toEqual(reduce(events));
  });

  it('replays the whole log when it was truncated before the mark, and never rewrites a snapshot ahead of it', async () => {
    const events = await recordWithSnapshot([runStarted('r', WPS), ...LIFE], []);
    const before = await readFile(snapshotFile(), 'utf8');
    const lines = (await readFile(repo.events, 'utf8')).split('\n');
    await truncate(repo.events, Buffer.byteLength(lines.slice(0, 4).join('\n') + '\n'));
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(reduce(events.slice(0, 4)));
    expect(await readFile(snapshotFile(), 'utf8')).toBe(before);
  });

  it('replays the whole log when another run replaced it (the line at the mark differs)', async () => {
    await recordWithSnapshot([runStarted('r', WPS), ...LIFE.slice(0, 4)], []);
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const other = await store.load();
    // Same lines, other times: same length, so only the line's own seq and time can tell.
    const text = (await readFile(repo.events, 'utf8')).replaceAll('2025-05-05T12', '2025-06-06T12');
    await writeFile(repo.events, text);
    const replaced = await readEventLog(repo.events);
    expect(replaced).toHaveLength(other.length);
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(reduce(replaced!));
  });

  it('folds a new run started after the mark', async () => {
    const events = await recordWithSnapshot(
      [runStarted('r', WPS), ...LIFE.slice(0, 2)],
      [runStarted('r2', ['WP09']), lane('WP09', 'claimed')],
    );
    const run = await readStatus({ repoDir: repo.dir, feature: FEATURE });
    expect(run?.runId).toBe('r2');
    expect(run).toEqual(reduce(events));
  });

  it('rebuilds an unmarked snapshot (an older version wrote it) with its mark, then reads the tail', async () => {
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE, clock: tickingClock() });
    const head = await store.append([runStarted('r', WPS), ...LIFE.slice(0, 4)]);
    await writeFile(snapshotFile(), serializeSnapshot(reduce(head)!));
    expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(reduce(head));
    const log = await readFile(repo.events);
    expect((await readSnapshotFile(snapshotFile()))?.log).toEqual({
      offset: log.length,
      seq: head.at(-1)!.seq,
    });
  });

  it('names the file and line of a corrupt event after the mark', async () => {
    await recordWithSnapshot([runStarted('r', WPS), ...LIFE.slice(0, 4)], LIFE.slice(4, 6));
    const text = await readFile(repo.events, 'utf8');
    const lines = text.trimEnd().split('\n');
    const bad = lines.length; // the last line gets a field of the wrong type
    lines[bad - 1] = lines[bad - 1]!.replace('"lane":"claimed"', '"lane":42').replace(
      /"attempt":\d+/,
      '"attempt":"x"',
    );
    await writeFile(repo.events, `${lines.join('\n')}\n`);
    await expect(readStatus({ repoDir: repo.dir, feature: FEATURE })).rejects.toThrow(
      new RegExp(`events\\.jsonl:${bad}: `),
    );
  });

  it('equals the full replay wherever the snapshot was taken and however the log was appended (property)', async () => {
    const lives = fc.shuffledSubarray(LIFE, { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(lives, fc.nat(), fc.nat(), async (life, cut, batch) => {
        await rm(statePaths(repo.dir, FEATURE).featureDir, { recursive: true, force: true });
        const all = [runStarted('r', WPS), ...life];
        const at = 1 + (cut % all.length);
        const size = 1 + (batch % 3);
        const store = createFileStore({ repoDir: repo.dir, feature: FEATURE, clock: tickingClock() });
        const recorded: OrchestrationEvent[] = [];
        for (let i = 0; i < all.length; i += size) {
          recorded.push(...(await store.append(all.slice(i, i + size))));
          if (recorded.length >= at && recorded.length - size < at)
            await store.writeSnapshot(reduce(recorded)!);
        }
        expect(await readStatus({ repoDir: repo.dir, feature: FEATURE })).toEqual(reduce(recorded));
      }),
      { numRuns: 40 },
    );
  });
});
