/**
 * The orchestration engine end to end with the sim agent: the demo feature and seeded layered random DAGs,
 * each run to done through runFeature (real git worktrees, real agent processes, fsync'd event log). Prints,
 * per run, the makespan against the lower bound max(critical path, total work / slots), where a WP's work is
 * what its agent processes really took, and the orchestrator's own overhead around each agent. Asserts nothing.
 *
 *   npx tsx bench/engine.bench.ts [--sizes 50,100,200,500] [--duration 300] [--jitter 150]
 *                                 [--max-concurrent 4] [--concurrency 8] [--seed 7] [--no-demo] [--keep]
 *                                 [--no-calibration]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { BenchFeature, SimSettings } from './lib/bench-repo.js';
import { calibrate, type Calibration } from './lib/calibrate.js';
import { runCase, type CaseResult } from './lib/run-case.js';
import { ms, triple } from './lib/stats.js';

interface Options {
  sizes: number[];
  settings: SimSettings;
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

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sizes: { type: 'string', default: '50,100,200,500' },
      duration: { type: 'string', default: '300' },
      jitter: { type: 'string' },
      'max-concurrent': { type: 'string', default: '4' },
      concurrency: { type: 'string', default: '8' },
      seed: { type: 'string', default: '7' },
      'no-demo': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-calibration': { type: 'boolean', default: false },
    },
  });
  const durationMs = wholeNumber('duration', values.duration, 0);
  const sizes =
    values.sizes === '' ? [] : values.sizes.split(',').map((s) => wholeNumber('sizes', s.trim(), 1));
  return {
    sizes,
    settings: {
      durationMs,
      jitterMs: wholeNumber('jitter', values.jitter ?? String(Math.round(durationMs / 2)), 0),
      maxConcurrent: wholeNumber('max-concurrent', values['max-concurrent'], 1),
      concurrency: wholeNumber('concurrency', values.concurrency, 1),
    },
    seed: wholeNumber('seed', values.seed, 0),
    demo: !values['no-demo'],
    keep: values.keep,
    calibration: !values['no-calibration'],
  };
}

const sec = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(2)} s`;

function printCase(r: CaseResult): void {
  const m = r.metrics;
  console.log(`\n== ${r.label}: ${m.wps} WPs, ${m.invocations} agent runs, status ${r.status}`);
  if (r.warnings.length) console.log(`   ${r.warnings.length} warning(s), first: ${r.warnings[0]}`);
  console.log(
    `   makespan ${sec(m.makespanMs)}  bound ${sec(m.boundMs)} = max(critical path ${sec(m.criticalPathMs)}, ` +
      `work ${sec(m.totalWorkMs)} / slots)  ratio ${m.ratio.toFixed(3)}  slot use ${(m.utilisation * 100).toFixed(1)}%`,
  );
  console.log(
    `   wall ${sec(r.wallMs)}  ${(m.wps / (r.wallMs / 1000)).toFixed(2)} WPs/s  orchestrator CPU ${sec(r.cpuMs)} ` +
      `(${ms(r.cpuMs / m.wps, 1)} ms/WP), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
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

function printTable(results: readonly CaseResult[]): void {
  const head = [
    'case',
    'WPs',
    'makespan',
    'bound',
    'ratio',
    'ready->start med/p95/max',
    'dispatch p95',
    'impl->review med/p95/max',
    'wall',
    'WPs/s',
  ];
  const rows = results.map((r) => {
    const m = r.metrics;
    return [
      r.label,
      String(m.wps),
      sec(m.makespanMs),
      sec(m.boundMs),
      m.ratio.toFixed(3),
      triple(m.readyToStart),
      ms(m.dispatch.p95),
      triple(m.reviewGap),
      sec(r.wallMs),
      (m.wps / (r.wallMs / 1000)).toFixed(2),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const s = options.settings;
  console.log(
    `engine bench: sim agent, single-agent mode (delay 0), duration_ms ${s.durationMs}, jitter_ms ${s.jitterMs}, ` +
      `agents.sim.max_concurrent ${s.maxConcurrent}, global.concurrency ${s.concurrency} ` +
      `(slots for the bound: ${Math.min(s.maxConcurrent, s.concurrency)}), DAG seed ${options.seed}; ` +
      `${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const cases: [string, BenchFeature][] = [
    ...(options.demo ? [['demo', { kind: 'demo' }] as [string, BenchFeature]] : []),
    ...options.sizes.map((n): [string, BenchFeature] => [
      `dag-${n}`,
      { kind: 'dag', wps: n, seed: options.seed },
    ]),
  ];
  if (options.calibration) printCalibration(await calibrate(60, options.seed));
  const results: CaseResult[] = [];
  for (const [label, feature] of cases) {
    const result = await runCase(label, feature, s, options.keep);
    printCase(result);
    if (options.keep) console.log(`   repo kept at ${result.repoDir}`);
    results.push(result);
  }
  printTable(results);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
