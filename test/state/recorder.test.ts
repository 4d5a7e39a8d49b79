import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Recorder } from '../../src/engine/recorder.js';
import type { Logger } from '../../src/engine/types.js';
import { createFileStore, parseEventLog } from '../../src/state/file-store.js';
import type { NewEvent, OrchestrationEvent, StateStore } from '../../src/state/types.js';
import { FEATURE, lane, runStarted, started, useStateRepo } from './builders.js';

const repo = useStateRepo();

/** An append the test holds: the file store does it when released, or it fails without writing. */
interface HeldAppend {
  events: NewEvent[];
  release: () => void;
  fail: (error: Error) => void;
}

/** The file store, with every append held until the test lets it go. */
function holdingStore(): { store: StateStore; nextAppend: () => Promise<HeldAppend> } {
  const inner = createFileStore({ repoDir: repo.dir, feature: FEATURE });
  const held: HeldAppend[] = [];
  const store: StateStore = {
    ...inner,
    append: (events) =>
      new Promise<void>((release, fail) => held.push({ events, release, fail })).then(() =>
        inner.append(events),
      ),
  };
  const nextAppend = async (): Promise<HeldAppend> => {
    await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
    return held.shift()!;
  };
  return { store, nextAppend };
}

/** What the log holds on disk right now, read synchronously (so at the very moment a record settles). */
const onDisk = (): string[] =>
  parseEventLog(readFileSync(repo.events, 'utf8'), repo.events).map((e) => `${e.seq} ${e.type}`);

/** Settle `record`, noting the log as it was on disk at that moment. */
const watch = (record: Promise<void>, into: { index: number; ok: boolean; log: string[] }[], index: number) =>
  record.then(
    () => void into.push({ index, ok: true, log: onDisk() }),
    () => void into.push({ index, ok: false, log: onDisk() }),
  );

function recorderOver(store: StateStore): { recorder: Recorder; seen: string[]; warnings: string[] } {
  const seen: string[] = [];
  const warnings: string[] = [];
  const logger: Logger = { info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) };
  const recorder = new Recorder(store, [], logger, (event: OrchestrationEvent) =>
    seen.push(`${event.seq} ${event.type}`),
  );
  return { recorder, seen, warnings };
}

// A regression would leave records waiting: fail fast rather than at the suite's two-minute timeout.
describe('Recorder: group commit', { timeout: 10_000 }, () => {
  it('appends the records made during an append together, in order, each resolving once durable', async () => {
    const { store, nextAppend } = holdingStore();
    const { recorder, seen, warnings } = recorderOver(store);
    const settled: { index: number; ok: boolean; log: string[] }[] = [];

    const first = watch(recorder.record(runStarted('r', ['WP01', 'WP02'])), settled, 0);
    const firstAppend = await nextAppend();
    const later = [
      recorder.record(lane('WP01', 'claimed')),
      recorder.record(lane('WP02', 'claimed'), started('WP02', 'implementation', 'claude', 1)),
      recorder.record(lane('WP01', 'in_progress')),
    ].map((record, i) => watch(record, settled, i + 1));
    expect(firstAppend.events.map((e) => e.type)).toEqual(['run_started']);
    firstAppend.release();
    await first;
    expect(settled).toEqual([{ index: 0, ok: true, log: ['1 run_started'] }]);

    // The three records made meanwhile go in one append, in the order they were made...
    const secondAppend = await nextAppend();
    expect(secondAppend.events).toEqual([
      lane('WP01', 'claimed'),
      lane('WP02', 'claimed'),
      started('WP02', 'implementation', 'claude', 1),
      lane('WP01', 'in_progress'),
    ]);
    // ...and none of them resolves before that append is durable.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toHaveLength(1);
    secondAppend.release();
    await Promise.all(later);

    const log = ['1 run_started', '2 lane_changed', '3 lane_changed', '4 attempt_started', '5 lane_changed'];
    expect(settled.slice(1)).toEqual([1, 2, 3].map((index) => ({ index, ok: true, log })));
    expect(seen).toEqual(log);
    expect(recorder.run.lastSeq).toBe(5);
    expect(recorder.run.workPackages.WP01!.lane).toBe('in_progress');
    expect(recorder.run.workPackages.WP02!.attempts).toHaveLength(1);
    await recorder.flush();
    expect(warnings).toEqual([]);
  });

  it('rejects every record of a failed append; later records are appended afresh', async () => {
    const { store, nextAppend } = holdingStore();
    const { recorder, seen, warnings } = recorderOver(store);
    const settled: { index: number; ok: boolean; log: string[] }[] = [];

    const first = recorder.record(runStarted('r', ['WP01']));
    const firstAppend = await nextAppend();
    const doomed = [recorder.record(lane('WP01', 'claimed')), recorder.record(lane('WP01', 'in_progress'))];
    const failures = doomed.map((record) => record.catch((error: unknown) => error));
    doomed.forEach((record, i) => void watch(record, settled, i + 1));
    firstAppend.release();
    await first;
    (await nextAppend()).fail(new Error('disk full'));
    for (const error of await Promise.all(failures)) expect(error).toEqual(new Error('disk full'));
    expect(settled.map((s) => s.ok)).toEqual([false, false]);
    expect(recorder.run.lastSeq).toBe(1);

    const after = recorder.record(lane('WP01', 'failed'));
    (await nextAppend()).release();
    await after;
    expect(onDisk()).toEqual(['1 run_started', '2 lane_changed']);
    expect(seen).toEqual(['1 run_started', '2 lane_changed']);
    expect(recorder.run.workPackages.WP01!.lane).toBe('failed');
    await recorder.flush();
    expect(warnings).toEqual([]);
  });

  it('records made in one go share one append; flush waits for them all', async () => {
    const inner = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const appends: number[] = [];
    const { recorder, seen } = recorderOver({
      ...inner,
      append: (events) => (appends.push(events.length), inner.append(events)),
    });
    const wps = Array.from({ length: 50 }, (_, i) => `WP${String(i + 1).padStart(2, '0')}`);
    await recorder.record(runStarted('r', wps));
    for (const wp of wps) void recorder.record(lane(wp, 'claimed'), lane(wp, 'in_progress'));
    await recorder.flush();
    expect(appends).toEqual([1, 100]);
    expect(seen).toHaveLength(101);
    expect(onDisk()).toEqual(seen);
    expect(Object.values(recorder.run.workPackages).every((wp) => wp.lane === 'in_progress')).toBe(true);
  });
});

describe('Recorder: lanes and the run it folds', () => {
  it('tells lane listeners each WP of a new run, then only the lanes an event really changed', async () => {
    const { recorder } = recorderOver(createFileStore({ repoDir: repo.dir, feature: FEATURE }));
    const told: string[] = [];
    recorder.onLaneChange((wp, to) => told.push(`${wp} ${to}`));
    await recorder.record(runStarted('r', ['WP01', 'WP02']));
    await recorder.record(lane('WP01', 'in_progress'), started('WP01', 'implementation', 'sim', 1));
    await recorder.record(lane('WP01', 'in_progress'), lane('WP02', 'done'), {
      type: 'wp_failed',
      wp: 'WP01',
      reason: 'x',
    });
    await recorder.flush();
    expect(told).toEqual(['WP01 planned', 'WP02 planned', 'WP01 in_progress', 'WP02 done', 'WP01 failed']);
  });

  it('folds in place: the run handed to listeners is the recorder run, always the latest', async () => {
    const runs: unknown[] = [];
    const store = createFileStore({ repoDir: repo.dir, feature: FEATURE });
    const recorder = new Recorder(store, [], { info: () => {}, debug: () => {}, warn: () => {} }, (_e, run) =>
      runs.push(run),
    );
    await recorder.record(runStarted('r', ['WP01']));
    await recorder.record(lane('WP01', 'done'));
    await recorder.flush();
    expect(runs).toHaveLength(2);
    expect(runs[0]).toBe(recorder.run);
    expect(runs[1]).toBe(recorder.run);
    expect(recorder.run.wpsCompleted).toBe(1);
  });
});
