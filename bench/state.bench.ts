/**
 * State figures: reduce / applyEvent over 100k events, loading a 100k-event log, append throughput, snapshot
 * writes of a 500-WP run, and Recorder.record() throughput with 500 WPs recording at once.
 * Run: npx tsx bench/state.bench.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Recorder } from '../src/engine/recorder.js';
import { createFileStore, statePaths } from '../src/state/file-store.js';
import { applyEvent, reduce } from '../src/state/reduce.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun } from '../src/state/types.js';

const WPS = 40;
const EVENTS = 100_000;
/** The large feature of the snapshot and Recorder figures. */
const MANY_WPS = 500;

const wpIds = (wps: number): string[] =>
  Array.from({ length: wps }, (_, i) => `WP${String(i + 1).padStart(wps > 99 ? 3 : 2, '0')}`);

function runStarted(ids: string[]): NewEvent {
  return {
    type: 'run_started',
    runId: 'bench',
    feature: '001-bench',
    configHash: 'h',
    workPackages: ids.map((id) => ({ id, title: id, dependencies: [] })),
  };
}

/** One implement or review pass of `wp`: lane change, attempt start, attempt finish. */
function pass(wp: string, role: 'implementation' | 'review', attempt: number): NewEvent[] {
  return [
    { type: 'lane_changed', wp, lane: role === 'review' ? 'in_review' : 'in_progress' },
    { type: 'attempt_started', wp, role, agent: 'claude', attempt, logFile: `/l/${wp}.log` },
    {
      type: 'attempt_finished',
      wp,
      role,
      agent: 'claude',
      attempt,
      success: true,
      summary: 'ok',
      exitCode: 0,
      durationMs: 1000,
      costUsd: 0.01,
      tokens: { input: 1000, output: 200 },
    },
  ];
}

/** A plausible log: WPs cycling through implement -> review with some parallelism, cost on every finish. */
function syntheticLog(count: number, wps = WPS): OrchestrationEvent[] {
  const ids = wpIds(wps);
  const events: NewEvent[] = [runStarted(ids)];
  for (let i = 0; events.length < count; i++) {
    const wp = ids[i % wps] as string;
    const role = i % 3 === 2 ? 'review' : 'implementation';
    events.push(...pass(wp, role, Math.floor(i / wps) + 1));
  }
  const stamped = events
    .slice(0, count)
    .map((e, i) => ({ ...e, seq: i + 1, at: new Date(1e12 + i * 1000).toISOString() }));
  // Round-trip through JSON, as events reach the reducer from the log: objects built by spreading take V8's
  // slow property path and would time the benchmark's construction, not the reducer.
  return JSON.parse(JSON.stringify(stamped)) as OrchestrationEvent[];
}

/** Prints wall time and CPU time: on a busy machine the CPU figure is the one that means something. */
function time<T>(label: string, fn: () => T): T {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(`${label.padEnd(44)} ${wall.toFixed(1).padStart(9)} ms  (cpu ${cpuMs.toFixed(1)} ms)`);
  return result;
}

async function timeAsync<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms  (cpu ${cpuMs.toFixed(1)} ms)`);
  return [result, ms];
}

async function main(): Promise<void> {
  const events = syntheticLog(EVENTS);
  time('reduce, 100k events', () => reduce(events));
  time('reduce, 100k events (warm)', () => reduce(events));
  time('applyEvent fold, 100k events', () =>
    events.reduce<OrchestrationRun | null>((run, e) => applyEvent(run, e), null),
  );

  const repoDir = await mkdtemp(path.join(tmpdir(), 'kitty-bench-'));
  try {
    const file = statePaths(repoDir, '001-bench').events;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const store = createFileStore({ repoDir, feature: '001-bench' });
    await timeAsync('load (read + parse), 100k-event log', () => store.load());

    const one: NewEvent = { type: 'lane_changed', wp: 'WP01', lane: 'in_progress' };
    const n = 500;
    const [, single] = await timeAsync(`append x${n}, one event each (fsync each)`, async () => {
      for (let i = 0; i < n; i++) await store.append([one]);
    });
    console.log(`${'  -> appends per second'.padEnd(44)} ${((n / single) * 1000).toFixed(0).padStart(9)}`);
    const [, batched] = await timeAsync(`append x${n / 10}, 10 events each`, async () => {
      for (let i = 0; i < n / 10; i++) await store.append(Array.from({ length: 10 }, () => one));
    });
    console.log(`${'  -> events per second'.padEnd(44)} ${((n / batched) * 1000).toFixed(0).padStart(9)}`);
    const [, concurrent] = await timeAsync(`append x${n}, all at once (queued)`, () =>
      Promise.all(Array.from({ length: n }, () => store.append([one]))),
    );
    console.log(
      `${'  -> appends per second'.padEnd(44)} ${((n / concurrent) * 1000).toFixed(0).padStart(9)}`,
    );
  } finally {
    await rm(repoDir, { recursive: true, force: true });
  }
  await manyWps();
}

const perSecond = (label: string, n: number, ms: number): void =>
  console.log(`${`  -> ${label}`.padEnd(44)} ${((n / ms) * 1000).toFixed(0).padStart(9)}`);

/** Snapshot writes of a 500-WP run, and Recorder.record() with all 500 WPs recording at once. */
async function manyWps(): Promise<void> {
  const repoDir = await mkdtemp(path.join(tmpdir(), 'kitty-bench-'));
  try {
    // Every WP implemented, reviewed and re-implemented: each carries three attempts.
    const run = reduce(syntheticLog(1 + MANY_WPS * 9, MANY_WPS)) as OrchestrationRun;
    const bytes = JSON.stringify({ version: 1, feature: run.feature, run }, null, 2).length;
    console.log(`\n${MANY_WPS}-WP run: snapshot of ${(bytes / 1024).toFixed(0)} KiB`);
    const store = createFileStore({ repoDir, feature: '001-bench' });
    await store.writeSnapshot(run); // the first write of a process has nothing to back up from memory
    const n = 40;
    const [, snapshots] = await timeAsync(`writeSnapshot x${n}, ${MANY_WPS}-WP run`, async () => {
      for (let i = 0; i < n; i++) await store.writeSnapshot({ ...run, lastSeq: run.lastSeq + i });
    });
    console.log(`${'  -> ms per writeSnapshot'.padEnd(44)} ${(snapshots / n).toFixed(2).padStart(9)}`);

    // The engine's pattern: every WP records its events one record() at a time, all WPs at once.
    const logger = { info: () => undefined, warn: console.warn, debug: () => undefined };
    const counting = createFileStore({ repoDir, feature: '002-bench' });
    let appends = 0;
    const recorder = new Recorder(
      { ...counting, append: (events) => (appends++, counting.append(events)) },
      [],
      logger,
    );
    const ids = wpIds(MANY_WPS);
    await recorder.record(runStarted(ids));
    appends = 0;
    const perWp = pass('x', 'implementation', 1).length;
    const [, recorded] = await timeAsync(`record() x${MANY_WPS * perWp}, ${MANY_WPS} WPs at once`, () =>
      Promise.all(
        ids.map(async (wp) => {
          for (const event of pass(wp, 'implementation', 1)) await recorder.record(event);
        }),
      ),
    );
    perSecond('records per second', MANY_WPS * perWp, recorded);
    console.log(`${'  -> store appends (write + fsync)'.padEnd(44)} ${String(appends).padStart(9)}`);
    await timeAsync('recorder.flush() (final snapshot)', () => recorder.flush());
    const [, sequential] = await timeAsync(`record() x${n}, one at a time`, async () => {
      for (let i = 0; i < n; i++) await recorder.record({ type: 'run_resumed', runId: 'bench' });
    });
    perSecond('records per second', n, sequential);
    await recorder.flush();
  } finally {
    await rm(repoDir, { recursive: true, force: true });
  }
}

await main();
