/**
 * `plan` on a 1,000-WP feature: the graph alone, the feature reader, the whole CLI in-process, and the CLI as a
 * child process (with the bare tsx start-up beside it, to show what is ours). Prints medians; asserts nothing.
 *
 *   npx tsx bench/plan.bench.ts [wps=1000] [runs=7]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';
import { readFeature } from '../src/feature/index.js';
import { buildGraph } from '../src/graph/index.js';
import { makeGraph, writeGraphFeature } from './make-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Run a child with stdin closed (tsx opens a REPL on an open stdin) and fail on a non-zero exit. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

const WPS = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 7);
const SLUG = '900-bench';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Run `fn` once to warm up, then `runs` times; the median in milliseconds. */
async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const report = (label: string, ms: number): void =>
  console.log(`  ${label.padEnd(50)} ${ms.toFixed(1).padStart(8)} ms`);

function silentIO(cwd: string): CliIO & { out: string } {
  const io = {
    out: '',
    stdout: (t: string) => void (io.out += t),
    stderr: () => undefined,
    env: {},
    cwd,
    isTTY: false,
  };
  return io;
}

async function inProcess(repo: string): Promise<void> {
  const io = silentIO(repo);
  const code = await runCli(['plan', '--repo', repo, '--feature', SLUG, '--json'], io);
  if (code !== 0) throw new Error(`plan exited ${code}`);
  const plan = JSON.parse(io.out) as { work_packages: unknown[] };
  if (plan.work_packages.length !== WPS) throw new Error(`plan listed ${plan.work_packages.length} WPs`);
}

async function main(): Promise<void> {
  const repo = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-plan-'));
  // Ctrl-C mid-run must not leave 1,000 files in the temp dir.
  const cleanUp = (): void => {
    void rm(repo, { recursive: true, force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', cleanUp).once('SIGTERM', cleanUp);
  try {
    const wps = await writeGraphFeature(repo, SLUG, { wps: WPS, maxDeps: 3, window: 40 });
    const edges = wps.reduce((sum, wp) => sum + wp.dependencies.length, 0);
    const graph = buildGraph(wps);
    console.log(
      `plan benchmark: ${WPS} WPs, ${edges} dependencies, ${graph.waves().length} waves, median of ${RUNS} runs`,
    );
    report(`buildGraph + waves + criticalPath (${WPS})`, await time(RUNS, () => analyse(wps)));
    const big = makeGraph({ wps: 10_000, maxDeps: 3, window: 40 });
    report('buildGraph + waves + criticalPath (10,000)', await time(RUNS, () => analyse(big)));
    report('readFeature', await time(RUNS, () => readFeature(SLUG, repo)));
    report('plan --json, in-process (runCli)', await time(RUNS, () => inProcess(repo)));
    const childRuns = Math.max(3, Math.ceil(RUNS / 2));
    report('tsx start-up alone (child, baseline)', await time(childRuns, () => run(TSX, ['-e', 'void 0'])));
    const argv = ['src/cli/main.ts', 'plan', '--repo', repo, '--feature', SLUG, '--json'];
    report('plan --json, child process (tsx src/cli/main.ts)', await time(childRuns, () => run(TSX, argv)));
    // What a user runs: the bundled bin (built first with `npm run compile`).
    await run('npm', ['run', '--silent', 'compile']);
    const built = ['bin/kitty-orchestrator.js', ...argv.slice(1)];
    report(
      'node start-up alone (child, baseline)',
      await time(childRuns, () => run(process.execPath, ['-e', 'void 0'])),
    );
    report(
      'plan --json, child process (the bundled bin)',
      await time(childRuns, () => run(process.execPath, built)),
    );
  } finally {
    process.off('SIGINT', cleanUp).off('SIGTERM', cleanUp);
    await rm(repo, { recursive: true, force: true });
  }
}

function analyse(wps: readonly { id: string; dependencies: string[] }[]): void {
  const graph = buildGraph(wps);
  graph.waves();
  graph.criticalPath();
  for (const id of graph.ids) graph.remainingPath(id);
}

await main();
