/**
 * What git costs the orchestrator. Asserts nothing; prints figures and one summary line per figure.
 *
 * 1. Event-loop block per git spawn, with this process grown to `--rss` MB (a fork copies the page tables of
 *    the process that forks, so the cost grows with its memory): forked here (`direct`, what the orchestrator
 *    did), from a worker thread, and by the spawn helper (what it does now). Blocked time is measured by a
 *    probe that yields to the loop continuously and sums the gaps longer than it should take.
 * 2. One ref lookup: a spawned `git rev-parse` against the long-lived `cat-file --batch-check`.
 * 3. Git processes per WP in a sim-agent run of `--wps` WPs (counted by a `git` shim on PATH), and how many of
 *    them the orchestrator forked itself.
 *
 *   npx tsx bench/git.bench.ts [--rss 600] [--spawns 40] [--wps 30] [--no-run]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createProcessRunner } from '../src/executor/run-process.js';
import { objectInfo, stopGitBatches } from '../src/git/batch.js';
import { setGitSpawn, tryGit, type GitSpawn } from '../src/git/git.js';
import { installGitCounter } from './lib/git-count.js';
import { runCase } from './lib/run-case.js';
import { ms, summarize, type Summary } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    rss: { type: 'string', default: '600' },
    spawns: { type: 'string', default: '40' },
    wps: { type: 'string', default: '30' },
    'no-run': { type: 'boolean', default: false },
  },
});
const TARGET_RSS_MB = Number(values.rss);
const SPAWNS = Number(values.spawns);
const WPS = Number(values.wps);

/** Touched memory (not just reserved), so the page tables a fork copies are really there. */
const ballast: Buffer[] = [];
function growTo(mb: number): number {
  while (process.memoryUsage.rss() < mb * 2 ** 20) ballast.push(Buffer.alloc(16 * 2 ** 20, 1));
  return process.memoryUsage.rss() / 2 ** 20;
}

/**
 * Runs `task` while a probe yields to the event loop over and over; returns the time the loop was blocked:
 * the sum of the probe's gaps beyond `slackMs` (a free loop comes back within a few hundredths of a ms).
 */
async function blockedDuring(task: () => Promise<void>, slackMs = 0.3): Promise<number> {
  let blocked = 0;
  let running = true;
  let last = performance.now();
  const probe = (): void => {
    const now = performance.now();
    if (now - last > slackMs) blocked += now - last - slackMs;
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  await task();
  running = false;
  return blocked;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { execFile } = require('node:child_process');
parentPort.on('message', ({ id, cwd }) => {
  execFile('git', ['rev-parse', 'HEAD'], { cwd, detached: true }, (error, stdout) =>
    parentPort.postMessage({ id, ok: error === null, stdout }));
});
`;

/** git rev-parse HEAD forked by a worker thread of this process. */
function workerGit(cwd: string): { run: () => Promise<void>; stop: () => Promise<number> } {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  let next = 0;
  return {
    run: () =>
      new Promise((resolve, reject) => {
        const id = next++;
        const onMessage = (message: { id: number; ok: boolean }): void => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          if (message.ok) resolve();
          else reject(new Error('git failed in the worker'));
        };
        worker.on('message', onMessage);
        worker.postMessage({ id, cwd });
      }),
    stop: () => worker.terminate(),
  };
}

interface SpawnCost {
  /** The call's synchronous part: for a fork here, fork + exec handshake; for the helper, a pipe write. */
  sync: Summary;
  /** Loop time lost per spawn as the probe saw it (also catches a worker thread's fork stalling us). */
  blocked: number;
  latency: Summary;
}

/** The synchronous time of every child_process.spawn call `task` makes (the fork and exec handshake). */
async function timedSpawns(task: () => Promise<void>): Promise<Summary> {
  const childProcess = createRequire(import.meta.url)('node:child_process') as { spawn: typeof spawn };
  const original = childProcess.spawn;
  const samples: number[] = [];
  childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
    const t0 = performance.now();
    try {
      return original(...args);
    } finally {
      samples.push(performance.now() - t0);
    }
  }) as typeof spawn;
  syncBuiltinESMExports();
  try {
    await task();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
  return summarize(samples);
}

/** `SPAWNS` sequential rev-parse runs, after a few to warm up (the helper or worker starts, caches fill). */
async function spawnCost(run: () => Promise<unknown>): Promise<SpawnCost> {
  for (let i = 0; i < 3; i++) await run();
  const latencies: number[] = [];
  const syncs: number[] = [];
  const blocked = await blockedDuring(async () => {
    for (let i = 0; i < SPAWNS; i++) {
      const t0 = performance.now();
      const answer = run();
      syncs.push(performance.now() - t0);
      await answer;
      latencies.push(performance.now() - t0);
    }
  });
  return { sync: summarize(syncs), blocked: blocked / SPAWNS, latency: summarize(latencies) };
}

async function spawnFigures(repo: string): Promise<void> {
  const rss = growTo(TARGET_RSS_MB);
  console.log(
    `\n1. event-loop block per git spawn (git rev-parse HEAD, ${SPAWNS} runs), RSS ${rss.toFixed(0)} MB`,
  );
  const cost: Partial<Record<GitSpawn | 'worker', SpawnCost>> = {};
  for (const mode of ['direct', 'helper'] as const) {
    setGitSpawn(mode);
    cost[mode] = await spawnCost(() => tryGit(['rev-parse', 'HEAD'], repo));
  }
  setGitSpawn('helper');
  const worker = workerGit(repo);
  cost.worker = await spawnCost(worker.run);
  await worker.stop();
  // What is still forked here: an agent start, under its supervisor (`true` as the agent). Its fork is inside
  // the runner, so child_process.spawn itself is timed.
  const runner = createProcessRunner({ supervise: true });
  const agentSpawns = await timedSpawns(async () => {
    for (let i = 0; i < SPAWNS; i++) {
      await runner({ argv: ['true'], cwd: repo, wallTimeoutMs: 60_000, inactivityTimeoutMs: 60_000 });
    }
  });
  for (const [mode, c] of Object.entries(cost)) {
    console.log(
      `   ${mode.padEnd(7)} call blocks ${ms(c.sync.median, 3)} ms median, ${ms(c.sync.p95, 3)} p95; ` +
        `probe saw ${ms(c.blocked, 2)} ms lost per spawn; answer in ${ms(c.latency.median, 1)} ms median`,
    );
  }
  const sync = (mode: GitSpawn): number => cost[mode]?.sync.median ?? NaN;
  const lost = (mode: GitSpawn | 'worker'): number => cost[mode]?.blocked ?? NaN;
  console.log(
    `SUMMARY event-loop block per git spawn at ${rss.toFixed(0)} MB RSS (median): forked here ${ms(sync('direct'), 2)} ms, ` +
      `spawn helper ${ms(sync('helper'), 3)} ms (${ms(sync('direct') / sync('helper'), 0)}x less)`,
  );
  console.log(
    `SUMMARY loop time lost per git spawn at ${rss.toFixed(0)} MB RSS (probe): forked here ${ms(lost('direct'), 2)} ms, ` +
      `worker thread ${ms(lost('worker'), 2)} ms, spawn helper ${ms(lost('helper'), 2)} ms`,
  );
  console.log(
    `SUMMARY event-loop block per agent start at ${rss.toFixed(0)} MB RSS (median; still forked here): ${ms(agentSpawns.median, 2)} ms`,
  );
}

async function queryFigures(repo: string): Promise<void> {
  const spawned: number[] = [];
  const batched: number[] = [];
  await objectInfo(['refs/heads/main'], repo); // start the batch process
  for (let i = 0; i < SPAWNS; i++) {
    let t0 = performance.now();
    await tryGit(['rev-parse', '--verify', '--quiet', 'refs/heads/main^{commit}'], repo);
    spawned.push(performance.now() - t0);
    t0 = performance.now();
    await objectInfo(['refs/heads/main^{commit}'], repo);
    batched.push(performance.now() - t0);
  }
  const s = summarize(spawned).median;
  const b = summarize(batched).median;
  console.log(
    `\n2. one ref lookup, median of ${SPAWNS}: spawned rev-parse ${ms(s, 2)} ms, cat-file --batch-check ${ms(b, 3)} ms`,
  );
  console.log(
    `SUMMARY ref lookup: rev-parse process ${ms(s, 2)} ms, cat-file --batch-check ${ms(b, 3)} ms (${ms(s / b, 0)}x faster)`,
  );
}

async function processFigures(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-git-shim-'));
  const path0 = process.env.PATH;
  const settings = { durationMs: 100, jitterMs: 50, maxConcurrent: 4, concurrency: 8 };
  try {
    const counter = await installGitCounter(dir);
    const result = await runCase(`dag-${WPS}`, { kind: 'dag', wps: WPS, seed: 7 }, settings, false, counter);
    const perWp = result.git.total / WPS;
    const forked = result.git.forkedHere / WPS;
    console.log(
      `\n3. a ${WPS}-WP sim run (status ${result.status}): git processes, orchestrator's own and the helper's`,
    );
    console.log(
      `SUMMARY git processes per WP: ${perWp.toFixed(1)}, of which forked by the orchestrator itself ${forked.toFixed(2)}`,
    );
  } finally {
    process.env.PATH = path0;
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `git bench: ${os.cpus().length} CPUs, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const repo = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-git-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'main', repo]);
    spawnSync('git', [
      '-C',
      repo,
      '-c',
      'user.name=b',
      '-c',
      'user.email=b@x',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'x',
    ]);
    if (!values['no-run']) await processFigures(); // before the ballast: a run of the usual size
    await queryFigures(repo);
    await spawnFigures(repo);
  } finally {
    stopGitBatches();
    await rm(repo, { recursive: true, force: true });
  }
}

await main();
