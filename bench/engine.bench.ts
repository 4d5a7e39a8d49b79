/**
 * The orchestration engine end to end with the sim agent: the demo feature and seeded layered random DAGs,
 * each run to done through runFeature (real git worktrees, real agent processes, fsync'd event log). Prints,
 * per run, the makespan against the lower bound max(critical path, total work / slots), where a WP's work is
 * what its agent processes really took, and the orchestrator's own overhead around each agent. Asserts nothing.
 *
 * Two series: 300 ms agents (jitter 150) on 4 slots, as the engine was first measured, and 3 s agents (jitter
 * 1.5 s) on 16 slots (24 WPs in flight), so that the 3 s series' 1,600 WPs take minutes rather than an hour
 * while the sim agents' own start-up still leaves the 2 cores room: on 32 slots the agents alone saturate a
 * 2-core machine (500 WPs measured 1.13 there, 1.03 on 16). The whole bench takes about 24 minutes on a quiet
 * 2-core machine (9 for the 300 ms series, 15 for the 3 s one). Beside each real ratio it
 * prints the same DAG and measured work simulated without overhead (longest remaining path first, FIFO,
 * waves with barriers), the orchestrator's CPU per WP, its peak RSS, the git processes it started per WP
 * (a counting `git` shim on its PATH; the agents' git is not counted) and the dispatch latency.
 *
 *   npx tsx bench/engine.bench.ts [--sizes 50,100,200,500,1000] [--duration 300] [--jitter 150]
 *                                 [--max-concurrent 4] [--concurrency 8]
 *                                 [--slow-sizes 100,500,1000] [--slow-duration 3000] [--slow-jitter 1500]
 *                                 [--slow-max-concurrent 16] [--slow-concurrency 24]
 *                                 [--seed 7] [--no-demo] [--keep] [--no-calibration]
 *
 * An empty list (`--sizes ''`, `--slow-sizes ''`) skips that series.
 */
import { parseArgs } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchFeature, SimSettings } from './lib/bench-repo.js';
import { calibrate, type Calibration } from './lib/calibrate.js';
import { installGitCounter } from './lib/git-count.js';
import { runCase, type CaseResult as RunResult } from './lib/run-case.js';
import { ms, triple } from './lib/stats.js';

/** One series of runs: the same agent settings over several DAG sizes. */
interface Series {
  name: string;
  sizes: number[];
  settings: SimSettings;
}

interface Options {
  series: Series[];
  seed: number;
  demo: boolean;
  keep: boolean;
  calibration: boolean;
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${flag} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

const SERIES_FLAGS = {
  sizes: { type: 'string', default: '50,100,200,500,1000' },
  duration: { type: 'string', default: '300' },
  jitter: { type: 'string' },
  'max-concurrent': { type: 'string', default: '4' },
  concurrency: { type: 'string', default: '8' },
  'slow-sizes': { type: 'string', default: '100,500,1000' },
  'slow-duration': { type: 'string', default: '3000' },
  'slow-jitter': { type: 'string' },
  'slow-max-concurrent': { type: 'string', default: '16' },
  'slow-concurrency': { type: 'string', default: '24' },
} as const;

/** One series from its flags (`prefix` '' or 'slow-'); the jitter defaults to half the duration. */
function readSeries(values: Record<string, string | undefined>, prefix: string): Series {
  const flag = (name: string): string => values[prefix + name]!;
  const durationMs = wholeNumber(`${prefix}duration`, flag('duration'), 0);
  const sizes = flag('sizes') === '' ? [] : flag('sizes').split(',');
  return {
    name: `${durationMs} ms agents`,
    sizes: sizes.map((size) => wholeNumber(`${prefix}sizes`, size.trim(), 1)),
    settings: {
      durationMs,
      jitterMs: wholeNumber(`${prefix}jitter`, values[`${prefix}jitter`] ?? String(durationMs / 2), 0),
      maxConcurrent: wholeNumber(`${prefix}max-concurrent`, flag('max-concurrent'), 1),
      concurrency: wholeNumber(`${prefix}concurrency`, flag('concurrency'), 1),
    },
  };
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...SERIES_FLAGS,
      seed: { type: 'string', default: '7' },
      'no-demo': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-calibration': { type: 'boolean', default: false },
    },
  });
  const strings = values as unknown as Record<string, string | undefined>;
  return {
    series: [readSeries(strings, ''), readSeries(strings, 'slow-')],
    seed: wholeNumber('seed', values.seed, 0),
    demo: !values['no-demo'],
    keep: values.keep,
    calibration: !values['no-calibration'],
  };
}

/** A case's result with the series it belongs to. */
interface CaseResult extends RunResult {
  series: string;
  slots: number;
}

const sec = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(2)} s`;

function printCase(r: CaseResult): void {
  const m = r.metrics;
  console.log(
    `\n== ${r.label} (${r.series}, ${r.slots} slots): ${m.wps} WPs, ${m.invocations} agent runs, status ${r.status}`,
  );
  if (r.warnings.length) console.log(`   ${r.warnings.length} warning(s), first: ${r.warnings[0]}`);
  console.log(
    `   makespan ${sec(m.makespanMs)}  bound ${sec(m.boundMs)} = max(critical path ${sec(m.criticalPathMs)}, ` +
      `work ${sec(m.totalWorkMs)} / slots)  ratio ${m.ratio.toFixed(3)}  slot use ${(m.utilisation * 100).toFixed(1)}%`,
  );
  console.log(
    `   wall ${sec(r.wallMs)}  ${(m.wps / (r.wallMs / 1000)).toFixed(2)} WPs/s  orchestrator CPU ${sec(r.cpuMs)} ` +
      `(${ms(r.cpuMs / m.wps, 1)} ms/WP), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
  const sim = Object.entries(m.simulated).map(([policy, ratio]) => `${policy} ${ratio.toFixed(3)}`);
  console.log(`   simulated without overhead, makespan / bound: ${sim.join('  ')}`);
  const top = r.git.top.map(([sub, n]) => `${sub} ${(n / m.wps).toFixed(1)}`).join(', ');
  console.log(
    `   git processes started by the orchestrator: ${r.git.total} (${(r.git.total / m.wps).toFixed(1)}/WP: ${top})`,
  );
  const d = r.loopDelay;
  console.log(
    `   orchestrator event loop late by, ms: p50 ${ms(d.p50, 1)}  p99 ${ms(d.p99, 1)}  max ${ms(d.max, 1)}`,
  );
  const o = m.overtaken;
  console.log(
    `   reviews overtaken by a new WP's implementation while in_review: ${o.overtaken} of ${o.reviews} (most ${o.most})`,
  );
  console.log('   per WP, ms (median / p95 / max):');
  const rows: [string, string][] = [
    ['ready -> first attempt_started', triple(m.readyToStart)],
    ['  same, from last slot release (dispatch)', triple(m.dispatch)],
    ['ready -> implementer first output', triple(m.readyToAgent)],
    ['impl finished -> review attempt_started', triple(m.reviewGap)],
    ['  same, from last slot release (dispatch)', triple(m.reviewDispatch)],
    ...Object.entries(m.parts).map(([label, s]): [string, string] => [`  ${label}`, triple(s)]),
  ];
  for (const [label, value] of rows) console.log(`     ${label.padEnd(58)} ${value}`);
}

function printCalibration(c: Calibration): void {
  console.log('\ncalibration, ms (median / p95 / max):');
  console.log(`   spawn \`node -e 0\`                          ${triple(c.nodeSpawn)}`);
  console.log(`   spawn sim agent --version                 ${triple(c.simStart)}`);
  console.log(`   one git call (rev-parse HEAD)             ${triple(c.git)}`);
  console.log(
    `   prepareWorkspace, ${String(c.worktreeWps).padEnd(3)} WPs one at a time    ${triple(c.worktree)}`,
  );
}

/** One row of the closing table per case. */
function tableRow(r: CaseResult): string[] {
  const m = r.metrics;
  const sim = m.simulated;
  return [
    r.label,
    r.series.replace(/ agents$/, ''),
    String(m.wps),
    String(r.slots),
    sec(m.makespanMs),
    sec(m.boundMs),
    m.ratio.toFixed(3),
    `${sim['longest-path'].toFixed(3)} / ${sim.fifo.toFixed(3)} / ${sim.waves.toFixed(3)}`,
    ms(r.cpuMs / m.wps, 1),
    r.peakRssMb.toFixed(0),
    (r.git.total / m.wps).toFixed(1),
    `${ms(m.dispatch.median)} / ${ms(m.dispatch.p95)}`,
    `${ms(m.reviewDispatch.median)} / ${ms(m.reviewDispatch.p95)}`,
    (m.wps / (r.wallMs / 1000)).toFixed(2),
  ];
}

const TABLE_HEAD = [
  'case',
  'agents',
  'WPs',
  'slots',
  'makespan',
  'bound',
  'ratio',
  'simulated LRP / FIFO / waves',
  'CPU ms/WP',
  'RSS MB',
  'git/WP',
  'dispatch med/p95',
  'review dispatch med/p95',
  'WPs/s',
];

function printTable(results: readonly CaseResult[]): void {
  const rows = results.map(tableRow);
  const widths = TABLE_HEAD.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(
    '\nratio = makespan / max(critical path, work / slots); simulated = the same DAG and measured work ' +
      'with zero overhead; dispatch = later of (WP ready, last slot release) -> attempt_started, ms',
  );
  console.log(`${line(TABLE_HEAD)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(line(row));
  printCpuGrowth(results);
}

/** Per series: CPU per WP of each size against that of its 100-WP case (or its smallest), the flatness figure. */
function printCpuGrowth(results: readonly CaseResult[]): void {
  const bySeries = new Map<string, CaseResult[]>();
  for (const r of results.filter((x) => x.label !== 'demo'))
    bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  for (const [series, rs] of bySeries) {
    const base = rs.find((r) => r.metrics.wps === 100) ?? rs[0]!;
    const perWp = (r: CaseResult): number => r.cpuMs / r.metrics.wps;
    const cells = rs.map((r) => `${r.metrics.wps}: ${(perWp(r) / perWp(base)).toFixed(2)}`);
    console.log(`CPU per WP / at ${base.metrics.wps} WPs (${series}): ${cells.join('  ')}`);
  }
}

function settingsLine(s: SimSettings): string {
  return (
    `duration_ms ${s.durationMs}, jitter_ms ${s.jitterMs}, agents.sim.max_concurrent ${s.maxConcurrent}, ` +
    `global.concurrency ${s.concurrency} (slots for the bound: ${slotsOf(s)})`
  );
}

const slotsOf = (s: SimSettings): number => Math.min(s.maxConcurrent, s.concurrency);

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  console.log(
    `engine bench: sim agent, single-agent mode (delay 0), DAG seed ${options.seed}; ` +
      `${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  for (const series of options.series) console.log(`   ${series.name}: ${settingsLine(series.settings)}`);
  const shimDir = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-git-'));
  const gitCounter = await installGitCounter(shimDir);
  if (options.calibration) printCalibration(await calibrate(60, options.seed));
  const results: CaseResult[] = [];
  try {
    for (const series of options.series) {
      const cases: [string, BenchFeature][] = [
        ...(options.demo && series === options.series[0] ? [demoCase] : []),
        ...series.sizes.map((n): [string, BenchFeature] => [
          `dag-${n}`,
          { kind: 'dag', wps: n, seed: options.seed },
        ]),
      ];
      for (const [label, feature] of cases) {
        const result = await runCase(label, feature, series.settings, options.keep, gitCounter);
        const row = { ...result, series: series.name, slots: slotsOf(series.settings) };
        printCase(row);
        if (options.keep) console.log(`   repo kept at ${result.repoDir}`);
        results.push(row);
      }
    }
  } finally {
    await rm(shimDir, { recursive: true, force: true });
  }
  printTable(results);
  console.log(
    `load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

const demoCase: [string, BenchFeature] = ['demo', { kind: 'demo' }];

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
