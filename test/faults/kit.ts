import { spawn, spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DEMO_FEATURE } from '../../src/cli/demo-repo.js';
import { processesInDir } from '../../src/executor/proc-scan.js';
import { readEventLog, statePaths } from '../../src/state/file-store.js';
import { reduce } from '../../src/state/reduce.js';
import { readSnapshotFile } from '../../src/state/snapshot.js';
import type { OrchestrationEvent } from '../../src/state/types.js';

/** What the fault suite's trials share: running the CLI, a seeded random source, and the checks. */

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type Outcome = 'passed' | 'failed' | 'skipped';
export interface Row {
  trial: string;
  name: string;
  outcome: Outcome;
  note: string;
}

/** mulberry32, seeded by FAULT_SEED (printed, so a failing run can be repeated). */
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 2 ** 31);
let state = seed;
console.error(`fault suite: FAULT_SEED=${seed}`);
export function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it gives a value; null after `ms` (a safety net: every wait here is for an event). */
export async function until<T>(probe: () => T | null, ms: number): Promise<T | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== null || Date.now() > deadline) return value;
    await pause(50);
  }
}

/** The argv that runs this checkout's CLI. */
export function cliArgv(args: string[]): string[] {
  return ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args];
}

/** Start `orchestrate` leading its own process group. */
export function startRun(repo: string): { pid: number; exited: Promise<void> } {
  const child = spawn(
    process.execPath,
    cliArgv(['orchestrate', '--feature', DEMO_FEATURE, '--repo', repo, '--json']),
    {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pid: child.pid!, exited };
}

export function kill(pid: number, mode: 'group' | 'orchestrator'): void {
  try {
    process.kill(mode === 'group' ? -pid : pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Run `resume` to its end; its exit code. */
export function resume(repo: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    cliArgv(['resume', '--feature', DEMO_FEATURE, '--repo', repo, '--json']),
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function events(repo: string): Promise<OrchestrationEvent[]> {
  return (await readEventLog(statePaths(repo, DEMO_FEATURE).events).catch(() => null)) ?? [];
}

function gitOut(repo: string, ...args: string[]): string[] {
  return spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

/** Everything a run promises after crashes and a resume; [] when all hold. */
export async function check(repo: string): Promise<string[]> {
  const log = await events(repo);
  const run = reduce(log);
  if (!run) return ['no run recorded'];
  const problems = run.status === 'completed' ? [] : [`run ${run.status}`];
  for (const wp of Object.values(run.workPackages)) {
    if (wp.lane !== 'done') problems.push(`${wp.wpId} ${wp.lane}`);
    const mine = log.filter((e) => 'wp' in e && e.wp === wp.wpId);
    const approvals = mine.filter((e) => e.type === 'review_verdict' && e.verdict === 'approved');
    if (approvals.length !== 1) problems.push(`${wp.wpId} approved ${approvals.length}x`);
    const approvedAt = approvals[0]?.seq ?? Infinity;
    if (mine.some((e) => e.type === 'attempt_started' && e.role === 'implementation' && e.seq > approvedAt))
      problems.push(`${wp.wpId} implemented after approval`);
    const subjects = gitOut(repo, 'log', '--format=%s', `main..${DEMO_FEATURE}-${wp.wpId}`);
    const own = subjects.filter((s) => s.startsWith(`sim: implement ${wp.wpId} `));
    if (own.length > 1) problems.push(`${wp.wpId} has ${own.length} implementation commits`);
  }
  problems.push(...(await leftovers(repo)));
  const snapshot = await readSnapshotFile(statePaths(repo, DEMO_FEATURE).featureSnapshot);
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
  if (!isDeepStrictEqual(plain(snapshot?.run), plain(run)))
    problems.push('snapshot differs from the replayed log');
  return problems;
}

/** Processes still working in the repo, git lock files, a run lock left behind. */
export async function leftovers(repo: string): Promise<string[]> {
  // The supervisors of a killed orchestrator stop their agents within seconds: give them that long.
  await until(() => ((processesInDir(repo) ?? []).length === 0 ? true : null), 15_000);
  const busy = processesInDir(repo) ?? [];
  const problems = busy.length ? [`processes left: ${busy.join(', ')}`] : [];
  const locks = (await readdir(path.join(repo, '.git'), { recursive: true })).filter((e) =>
    e.endsWith('.lock'),
  );
  if (locks.length) problems.push(`git locks left: ${locks.join(', ')}`);
  const runLock = path.join(statePaths(repo, DEMO_FEATURE).featureDir, 'run.lock');
  if (
    await stat(runLock).then(
      () => true,
      () => false,
    )
  )
    problems.push('run lock left');
  return problems;
}
