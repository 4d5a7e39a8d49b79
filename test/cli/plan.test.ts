import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PlanView } from '../../src/plan.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO as capture } from '../helpers/cli-io.js';
import { laneEvent, useTempDirs, writeFeature, type WpSpec } from '../helpers/feature-fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tempDir = useTempDirs();

//   WP01 -> WP02 -> WP04 -> WP05, WP01 -> WP03 -> WP05, and WP06 alone.
const diamond: WpSpec[] = [
  { id: 'WP01', title: 'Cart model', subtasks: [{ id: 'T001', title: 'Money type', done: true }, 'T002'] },
  { id: 'WP02', title: 'Totals', dependencies: ['WP01'], subtasks: ['T003'] },
  { id: 'WP03', title: 'Tax', dependencies: ['WP01'] },
  { id: 'WP04', title: 'Placement', dependencies: ['WP02'] },
  { id: 'WP05', title: 'Checkout API', dependencies: ['WP04', 'WP03'] },
  { id: 'WP06', title: 'Docs' },
];

async function diamondRepo(extra: { eventsText?: string } = {}): Promise<string> {
  const repo = await tempDir();
  await writeFeature(repo, {
    slug: '001-checkout',
    wps: diamond,
    events: [laneEvent('WP01', 'done'), laneEvent('WP02', 'in_progress')],
    ...extra,
  });
  return repo;
}

describe('plan', () => {
  it('prints a table with lanes, subtask counts, waves and the critical path', async () => {
    const repo = await diamondRepo();
    const io = capture(repo);
    expect(await runCli(['plan', '--feature', '001-checkout'], io)).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toBe('001-checkout: 6 work packages, 4 waves');
    expect(lines.find((l) => l.startsWith('WP01'))).toMatch(/^WP01\s+done\s+1\/2\s+1\s+-\s+Cart model$/);
    expect(lines.find((l) => l.startsWith('WP05'))).toMatch(
      /^WP05\s+planned\s+0\/0\s+4\s+WP04,WP03\s+Checkout API$/,
    );
    expect(lines.find((l) => l.startsWith('WP02'))).toMatch(/in_progress/);
    expect(io.out()).toContain('  1  WP01 WP06\n  2  WP02 WP03\n  3  WP04\n  4  WP05\n');
    expect(io.out()).toContain('Critical path (4 WPs): WP01 -> WP02 -> WP04 -> WP05\n');
    expect(io.out()).not.toContain('\u001b[');
    expect(io.err()).toBe('');
  });

  it('prints exactly one JSON object with --json', async () => {
    const repo = await diamondRepo();
    const io = capture(path.join(repo, 'kitty-specs'));
    expect(await runCli(['plan', '--repo', '..', '--feature', '001', '--json'], io)).toBe(0);
    const plan = JSON.parse(io.out()) as PlanView;
    expect(Object.keys(plan)).toEqual(['feature', 'work_packages', 'waves', 'critical_path']);
    expect(plan.feature).toBe('001-checkout');
    expect(plan.work_packages[0]).toEqual({
      id: 'WP01',
      title: 'Cart model',
      dependencies: [],
      lane: 'done',
      subtasks: [
        { id: 'T001', title: 'Money type', done: true },
        { id: 'T002', title: 'Do T002', done: false },
      ],
    });
    expect(plan.work_packages.map((wp) => wp.id)).toEqual(diamond.map((wp) => wp.id));
    expect(plan.waves).toEqual([['WP01', 'WP06'], ['WP02', 'WP03'], ['WP04'], ['WP05']]);
    expect(plan.critical_path).toEqual(['WP01', 'WP02', 'WP04', 'WP05']);
  });

  it('accepts a feature directory and sends reader warnings to stderr', async () => {
    const repo = await diamondRepo({ eventsText: `${JSON.stringify(laneEvent('WP03', 'teleported'))}\n` });
    const io = capture(repo);
    expect(await runCli(['plan', '--feature', 'kitty-specs/001-checkout', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).work_packages[2].lane).toBe('planned');
    expect(io.err()).toMatch(/^warning: .*teleported/);
  });

  it('fails with exit code 2 for a missing or unknown feature', async () => {
    const repo = await diamondRepo();
    const missing = capture(repo);
    expect(await runCli(['plan'], missing)).toBe(2);
    expect(missing.err()).toContain("required option '-f, --feature <slug|dir>' not specified");
    const unknown = capture(repo);
    expect(await runCli(['plan', '--feature', '999-nope'], unknown)).toBe(2);
    expect(unknown.err()).toMatch(/^kitty-orchestrator: no feature "999-nope" .*001-checkout/);
    expect(unknown.out()).toBe('');
  });

  it('shows an example in --help', async () => {
    const io = capture(ROOT);
    expect(await runCli(['plan', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--json');
    expect(io.out()).toContain('$ kitty-orchestrator plan --feature 001-checkout-flow');
  });

  it('prints the package version with --version', async () => {
    const io = capture(ROOT);
    expect(await runCli(['--version'], io)).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(io.out().trim()).toBe(pkg.version);
  });

  it('exits 2 with a one-line error naming the cycle when run as a real process', async () => {
    const repo = await tempDir();
    const dir = await writeFeature(repo, {
      slug: '002-loop',
      wps: [{ id: 'WP01', dependencies: ['WP02'] }, { id: 'WP02', dependencies: ['WP01'] }, { id: 'WP03' }],
    });
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['tsx', 'src/cli/main.ts', 'plan', '--feature', dir],
        { cwd: ROOT },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^kitty-orchestrator: .*cycle.*WP01.*WP02/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
