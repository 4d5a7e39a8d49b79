/**
 * `npm run bench`: every benchmark in sequence, each as its own child process (so one's heap and CPU do not
 * colour the next), output streamed as it comes, then one summary of the figures the issues set targets on, each
 * with a pass/fail mark. Figures are parsed from the benches' output defensively: what is not found prints n/a.
 * A bench reports a figure for the summary with a line `RESULT <name> <value> [<target such as <2.5>]`.
 *
 *   npm run bench [-- --quick]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Step {
  name: string;
  file: string;
  args: string[];
}

function steps(quick: boolean): Step[] {
  const sizes = quick ? '50,100' : '50,100,200,500,1000';
  return [
    { name: 'engine', file: 'bench/engine.bench.ts', args: ['--sizes', sizes] },
    { name: 'git', file: 'bench/git.bench.ts', args: quick ? ['--quick'] : [] },
    { name: 'cli', file: 'bench/cli.bench.ts', args: quick ? ['--quick'] : [] },
    { name: 'spec-kitty', file: 'bench/spec-kitty.bench.ts', args: [] },
  ];
}

/** Run one bench with tsx, echoing its output; resolves with the output and the exit code. */
function runStep(step: Step): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', step.file, ...step.args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const echo = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString('utf8');
      to.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('error', (error) => resolve({ output: `${output}\n${error.message}`, code: null }));
    child.on('close', (code) => resolve({ output, code }));
  });
}

/** A figure for the summary: its value (null when not found), the bound, and the direction that passes. */
interface Figure {
  label: string;
  value: number | null;
  target?: { op: '<' | '<='; bound: number };
}

/** `RESULT <name> <value> [<op><bound>]` lines, from any bench. */
function resultLines(output: string): Figure[] {
  const figures: Figure[] = [];
  for (const match of output.matchAll(/^RESULT (\S+) (-?[\d.]+|n\/a)(?: (<=?)([\d.]+))?\s*$/gm)) {
    const value = match[2] === 'n/a' ? null : Number(match[2]);
    const op = match[3] as '<' | '<=' | undefined;
    figures.push({
      label: match[1]!,
      value: Number.isFinite(value) ? value : null,
      ...(op ? { target: { op, bound: Number(match[4]) } } : {}),
    });
  }
  return figures;
}

/**
 * The engine bench's table (columns padded, separated by two spaces or more): per series (its `agents` cell,
 * e.g. `300 ms`), a map per `dag-<n>` row from column name to cell. Empty when the table is not found.
 */
function engineRows(output: string): Map<string, Map<number, Record<string, string>>> {
  const series = new Map<string, Map<number, Record<string, string>>>();
  const lines = output.split('\n');
  const headAt = lines.findIndex((l) => /\bcase\b/.test(l) && /\bratio\b/.test(l));
  if (headAt < 0) return series;
  const head = lines[headAt]!.trim().split(/\s{2,}/);
  for (const line of lines.slice(headAt + 2)) {
    const cells = line.trim().split(/\s{2,}/);
    const wps = /^dag-(\d+)$/.exec(cells[0] ?? '')?.[1];
    if (cells.length !== head.length || wps === undefined) continue;
    const row = Object.fromEntries(head.map((h, i) => [h, cells[i]!]));
    const name = row.agents ?? '';
    if (!series.has(name)) series.set(name, new Map());
    series.get(name)!.set(Number(wps), row);
  }
  return series;
}

const num = (text: string | undefined): number | null => {
  const n = Number.parseFloat(text ?? '');
  return Number.isFinite(n) ? n : null;
};

/** The bound on makespan / lower bound: tighter for slow agents, where overhead weighs less. */
const ratioBound = (agents: string): number => ((num(agents) ?? 0) >= 1000 ? 1.03 : 1.1);

function engineFigures(output: string): Figure[] {
  const figures: Figure[] = [];
  // 'dispatch med/p95' or 'dispatch p95', whichever the table has; the p95 is the cell's last number.
  const p95Of = (row: Record<string, string>): number | null => {
    const column = Object.keys(row).find((h) => h.startsWith('dispatch') && h.includes('p95'));
    return column === undefined ? null : num(row[column]!.split('/').at(-1));
  };
  for (const [agents, rows] of engineRows(output)) {
    for (const n of [100, 500, 1000].filter((size) => rows.has(size))) {
      figures.push({
        label: `makespan / lower bound, ${n} WPs, ${agents}`,
        value: num(rows.get(n)?.ratio),
        target: { op: '<=', bound: ratioBound(agents) },
      });
    }
    const p95s = [...rows.values()].map(p95Of).filter((v) => v !== null);
    figures.push({
      label: `dispatch p95 (ms, worst size), ${agents}`,
      value: p95s.length ? Math.max(...p95s) : null,
      target: { op: '<', bound: 50 },
    });
  }
  const growth = /CPU per WP \/ at 100 WPs[^:]*:.*\b1000: ([\d.]+)/.exec(output)?.[1];
  const git = /git processes started by the orchestrator: \d+ \(([\d.]+)\/WP/.exec(output)?.[1];
  figures.push(
    { label: 'CPU per WP, 1,000 WPs / 100 WPs', value: num(growth), target: { op: '<=', bound: 1.2 } },
    { label: 'git processes per WP', value: num(git) },
  );
  return figures;
}

function mark(f: Figure): string {
  if (!f.target) return '';
  if (f.value === null) return 'n/a';
  const pass = f.target.op === '<' ? f.value < f.target.bound : f.value <= f.target.bound;
  return pass ? 'pass' : 'FAIL';
}

function printSummary(figures: Figure[], failed: string[]): void {
  console.log('\n== summary (targets from the issues; n/a: the figure was not found in the output)');
  for (const f of figures) {
    const target = f.target ? `${f.target.op} ${f.target.bound}` : '';
    const value = f.value === null ? 'n/a' : String(f.value);
    console.log(`  ${f.label.padEnd(48)} ${value.padStart(8)}  ${target.padEnd(8)} ${mark(f)}`);
  }
  if (failed.length) console.log(`  benches that exited non-zero: ${failed.join(', ')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const figures: Figure[] = [];
  const failed: string[] = [];
  for (const step of steps(Boolean(values.quick))) {
    if (!existsSync(path.join(ROOT, step.file))) {
      console.log(`\n== ${step.name}: ${step.file} is not there; skipped`);
      continue;
    }
    console.log(`\n== ${step.name}: ${step.file} ${step.args.join(' ')}`);
    const { output, code } = await runStep(step);
    if (code !== 0) failed.push(`${step.name} (${code ?? 'did not start'})`);
    if (step.name === 'engine') figures.push(...engineFigures(output));
    figures.push(...resultLines(output));
  }
  printSummary(figures, failed);
  process.exitCode = failed.length ? 1 : 0;
}

await main();
