/**
 * One benchmark case: make a throwaway repo, run the feature to the end with the real engine (runFeature: real
 * git worktrees, real sim agent processes, the file store with fsync), and turn its event log into figures.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Logger } from '../../src/engine/types.js';
import { readFeature } from '../../src/feature/index.js';
import type { WorkPackage } from '../../src/feature/types.js';
import { runFeature } from '../../src/run-feature.js';
import { readEventLog, statePaths } from '../../src/state/file-store.js';
import type { OrchestrationEvent } from '../../src/state/types.js';
import { createBenchRepo, type BenchFeature, type SimSettings } from './bench-repo.js';
import { agentEnv, type GitCounter } from './git-count.js';
import { runMetrics, type RunMetrics } from './engine-metrics.js';

export interface CaseResult {
  label: string;
  status: string;
  wallMs: number;
  /** CPU time of this (the orchestrator's) process during the run; agents and git are children, not counted. */
  cpuMs: number;
  /** Event-loop lateness of the orchestrator's process, ms: while it is blocked (a spawn forks it) nothing moves. */
  loopDelay: { p50: number; p99: number; max: number };
  /** Largest resident set of the orchestrator's process seen at an attempt start: a fork copies its page tables. */
  peakRssMb: number;
  /** Git processes the orchestrator started (not the agents'), and the most common sub-commands. */
  git: { total: number; top: [string, number][]; forkedHere: number };
  warnings: string[];
  metrics: RunMetrics;
  repoDir: string;
}

/** Sampling tick of the event-loop delay monitor. */
const LOOP_TICK_MS = 10;

/** The sim's per-WP jitter fraction: FNV-1a of the WP id, exactly as bin/kitty-sim-agent.mjs computes it. */
function simFraction(seed: string): number {
  let hash = 0x811c9dc5;
  for (const ch of seed) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash / 2 ** 32;
}

/**
 * The time the sim sleeps in one attempt: its total split into equal whole-ms steps, one more than the subtasks
 * it finds in the prompt (implementation) or two (review). Mirrors the sim's `run()`.
 */
function intendedSleep(settings: SimSettings, wps: ReadonlyMap<string, WorkPackage>) {
  return (wpId: string, role: string): number => {
    const total = settings.durationMs + Math.floor(simFraction(wpId) * settings.jitterMs);
    const wp = wps.get(wpId);
    const ids = new Set([
      ...(wp?.subtasks.map((s) => s.id) ?? []),
      ...(wp?.body.match(/\bT\d{3,}\b/g) ?? []),
    ]);
    const steps = role === 'implementation' ? Math.max(ids.size, 1) + 1 : 2;
    return Math.floor(total / steps) * steps;
  };
}

/** Run one case; the repo is removed afterwards unless `keep`. */
export async function runCase(
  label: string,
  feature: BenchFeature,
  settings: SimSettings,
  keep: boolean,
  gitCounter: GitCounter,
): Promise<CaseResult> {
  const repoDir = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-engine-'));
  try {
    const slug = await createBenchRepo(repoDir, feature, settings);
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) };
    const firstLines = new Map<string, number>();
    const current = new Map<string, string>();
    let peakRss = 0;
    await gitCounter.take(); // the repo's own set-up is not the run's
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
    loop.enable();
    const outcome = await runFeature({
      repoDir,
      feature: slug,
      logger,
      // No real agent CLI on this machine is ever picked up, and the agents' git is not counted.
      env: agentEnv(),
      resume: false,
      onEvent: (e) => {
        if (e.type !== 'attempt_started') return;
        current.set(e.wp, `${e.wp}/${e.role}/${e.attempt}`);
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      },
      onAgentLine: (wp) => {
        const k = current.get(wp);
        if (k !== undefined && !firstLines.has(k)) firstLines.set(k, Date.now());
      },
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    const git = await gitCounter.take();
    // The histogram holds whole tick intervals: what lies beyond the tick is the time the loop was blocked.
    const late = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_TICK_MS);
    const loopDelay = { p50: late(loop.percentile(50)), p99: late(loop.percentile(99)), max: late(loop.max) };
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const events: OrchestrationEvent[] = (await readEventLog(statePaths(repoDir, slug).events)) ?? [];
    const { feature: read } = await readFeature(slug, repoDir);
    const wps = new Map(read.workPackages.map((wp) => [wp.id, wp]));
    const metrics = runMetrics({
      events,
      firstLines,
      slots: Math.min(settings.maxConcurrent, settings.concurrency),
      intendedSleepMs: intendedSleep(settings, wps),
    });
    return {
      label,
      status: outcome.run.status,
      wallMs,
      cpuMs,
      loopDelay,
      peakRssMb: peakRss / 2 ** 20,
      git,
      warnings,
      metrics,
      repoDir,
    };
  } finally {
    // A run of 1,000 WPs leaves 1,000 worktrees of 1,000 files each: `rm -rf` takes seconds where fs.rm takes
    // minutes and gigabytes.
    if (!keep) await promisify(execFile)('rm', ['-rf', '--', repoDir]);
  }
}
