/**
 * The CLI as a user runs it (the bundled bin, as processes): `status --json` on the state of a 1,000-WP run
 * caught between two snapshot writes, and `plan --json` on a 1,000-WP feature, beside `node -e 0` (node's own
 * start, the floor) and `--version` (our start-up). Prints medians of wall time and the children's CPU time
 * (Linux), as ratios to `node -e 0`, and one `RESULT <name> <value> <target>` line per figure for
 * `npm run bench`. Asserts nothing.
 *
 *   npx tsx bench/cli.bench.ts [--wps 1000] [--runs 9] [--quick] [--no-compile]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarize } from './lib/stats.js';
import { writeGraphFeature } from './make-graph.js';
import { writeRunState } from './run-state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'kitty-orchestrator.js');
const SLUG = '900-bench';
const TARGETS = { status: 2.5, plan: 3 };

/** The CPU time (user + system, ms) of this process's waited-for children: /proc/self/stat cutime + cstime. */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), counted from 1 with pid and comm: here indexes 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Run a child to completion, stdin closed, stdout dropped; rejects on a non-zero exit. */
function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')}: exit ${code}`)),
    );
  });
}

interface Figure {
  wall: number;
  /** Mean CPU ms per run (the kernel counts children's time in 10 ms ticks); null off Linux. */
  cpu: number | null;
}

async function measure(runs: number, args: string[]): Promise<Figure> {
  await run(args); // warm the page cache
  const walls: number[] = [];
  const cpuBefore = childrenCpuMs();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(args);
    walls.push(performance.now() - start);
  }
  const cpuAfter = childrenCpuMs();
  const cpu = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / runs;
  return { wall: summarize(walls).median, cpu };
}

function options(): { wps: number; runs: number; compile: boolean } {
  const { values } = parseArgs({
    options: {
      wps: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-compile': { type: 'boolean', default: false },
    },
  });
  const wps = Number(values.wps ?? (values.quick ? 200 : 1000));
  const runs = Number(values.runs ?? (values.quick ? 5 : 11));
  if (!Number.isInteger(wps) || wps < 1) throw new Error(`--wps must be a whole number, got ${values.wps}`);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number, got ${values.runs}`);
  return { wps, runs, compile: !values['no-compile'] };
}

const cell = (f: Figure, base: Figure): string =>
  `${f.wall.toFixed(0).padStart(5)} ms wall (${(f.wall / base.wall).toFixed(2)} x)   ` +
  (f.cpu === null || base.cpu === null
    ? 'cpu n/a'
    : `${f.cpu.toFixed(0).padStart(4)} ms cpu (${(f.cpu / base.cpu).toFixed(2)} x)`);

async function main(): Promise<void> {
  const { wps, runs, compile } = options();
  if (compile) {
    console.log('compiling (npm run compile; --no-compile to skip)…');
    const built = spawnSync('npm', ['run', '--silent', 'compile'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run compile failed');
  }
  const repo = await mkdtemp(path.join(os.tmpdir(), 'kitty-bench-cli-'));
  const cleanUp = (): void =>
    void rm(repo, { recursive: true, force: true }).finally(() => process.exit(130));
  process.once('SIGINT', cleanUp).once('SIGTERM', cleanUp);
  try {
    spawnSync('git', ['init', '-q'], { cwd: repo });
    const graph = await writeGraphFeature(repo, SLUG, { wps, maxDeps: 3, window: 40 });
    const events = await writeRunState(repo, SLUG, graph);
    console.log(
      `cli bench: ${wps} WPs, a run of ${events.length} events snapshotted at 90%; median of ${runs} runs; ` +
        `${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`,
    );
    const node = await measure(runs, ['-e', '0']);
    const version = await measure(runs, [BIN, '--version']);
    const status = await measure(runs, [BIN, 'status', '--repo', repo, '--json']);
    const plan = await measure(runs, [BIN, 'plan', '--repo', repo, '--feature', SLUG, '--json']);
    console.log(`  node -e 0                     ${cell(node, node)}`);
    console.log(`  kitty-orchestrator --version  ${cell(version, node)}`);
    console.log(`  status --json (${wps} WPs)     ${cell(status, node)}`);
    console.log(`  plan --json (${wps} WPs)       ${cell(plan, node)}`);
    // The ratio the issue sets targets on: wall time, as a user waits; CPU beside it shows what is ours.
    console.log(`RESULT cli.status_json_x_node ${(status.wall / node.wall).toFixed(2)} <${TARGETS.status}`);
    console.log(`RESULT cli.plan_json_x_node ${(plan.wall / node.wall).toFixed(2)} <${TARGETS.plan}`);
    console.log(`RESULT cli.version_x_node ${(version.wall / node.wall).toFixed(2)}`);
    if (node.cpu !== null && status.cpu !== null && plan.cpu !== null) {
      console.log(`RESULT cli.status_json_cpu_x_node ${(status.cpu / node.cpu).toFixed(2)}`);
      console.log(`RESULT cli.plan_json_cpu_x_node ${(plan.cpu / node.cpu).toFixed(2)}`);
    }
  } finally {
    process.off('SIGINT', cleanUp).off('SIGTERM', cleanUp);
    await rm(repo, { recursive: true, force: true });
  }
}

await main();
