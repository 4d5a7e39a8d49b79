/**
 * Machine calibration for the engine benchmark: what a bare process spawn, the sim agent's start-up, one git
 * call and one worktree creation (the standalone host's prepareWorkspace, one at a time) cost here and now.
 * The per-WP overhead figures are read against these.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readFeature } from '../../src/feature/index.js';
import { createStandaloneHost } from '../../src/host/standalone.js';
import { createBenchRepo } from './bench-repo.js';
import { summarize, type Summary } from './stats.js';

const execFileAsync = promisify(execFile);
const SIM = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'bin',
  'kitty-sim-agent.mjs',
);

export interface Calibration {
  nodeSpawn: Summary;
  simStart: Summary;
  git: Summary;
  worktree: Summary;
  worktreeWps: number;
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** prepareWorkspace for every WP of a fresh `wps`-WP DAG, in file (= topological) order, one at a time. */
async function worktreeCost(wps: number, seed: number): Promise<Summary> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-worktree-'));
  try {
    const settings = { durationMs: 0, jitterMs: 0, maxConcurrent: 1, concurrency: 1 };
    const slug = await createBenchRepo(dir, { kind: 'dag', wps, seed }, settings);
    const { feature } = await readFeature(slug, dir);
    const host = createStandaloneHost({ repoDir: dir });
    const samples: number[] = [];
    for (const wp of feature.workPackages) {
      const t0 = performance.now();
      await host.prepareWorkspace(feature, wp.id);
      samples.push(performance.now() - t0);
    }
    return summarize(samples);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Measure the building blocks; `worktreeWps` sizes the worktree probe (its repo grows like the runs' do). */
export async function calibrate(worktreeWps: number, seed: number): Promise<Calibration> {
  const cwd = process.cwd();
  return {
    nodeSpawn: await timeRuns(10, () => execFileAsync(process.execPath, ['-e', '0'])),
    simStart: await timeRuns(10, () => execFileAsync(process.execPath, [SIM, '--version'])),
    git: await timeRuns(10, () => execFileAsync('git', ['rev-parse', 'HEAD'], { cwd })),
    worktree: await worktreeCost(worktreeWps, seed),
    worktreeWps,
  };
}
