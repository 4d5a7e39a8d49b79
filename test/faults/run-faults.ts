/**
 * The fault suite (`npm run test:faults`): runs the demo feature with the sim agent, kills the orchestrator at a
 * random moment (its whole process group, or the orchestrator alone; sometimes while the sim agent is inside
 * `git add`/`git commit`), resumes, and checks what "kill it at any moment" promises:
 *   every WP done; each approved exactly once; no implementation started after its approval; at most one
 *   implementation commit per WP branch; no process left; no git lock or run lock left; the snapshot equals the
 *   replayed event log.
 * It also covers a torn last line, and read-only and full log/state dirs on a small tmpfs (in a private mount
 * namespace, when the machine allows one; skipped with a message otherwise).
 *
 * FAULT_TRIALS (default 50) sets the number of kill trials; FAULT_SEED makes a run repeatable.
 * Prints one row per trial, then `N passed, N failed`; exits 1 when any trial failed.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createDemoRepo } from '../../src/cli/demo-repo.js';
import { processesInDir } from '../../src/executor/proc-scan.js';
import { tmpfsTrials, tornTailTrial } from './io-trials.js';
import { check, events, kill, pause, random, resume, startRun, type Outcome, type Row } from './kit.js';

const TRIALS = Number(process.env.FAULT_TRIALS ?? 50);

type KillMode = 'group' | 'orchestrator';
type Moment = 'events' | 'git';

/** A git add/commit running in one of the repo's worktrees (the sim agent committing), or null. */
function gitInWorktree(repo: string): number | null {
  for (const pid of processesInDir(path.join(repo, '.worktrees')) ?? []) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone already
    }
    if (path.basename(argv[0] ?? '') === 'git' && argv.some((a) => a === 'add' || a === 'commit')) return pid;
  }
  return null;
}

/** Waits for the chosen moment; false when the run ended first. */
async function waitForMoment(repo: string, moment: Moment, run: { exited: Promise<void> }): Promise<boolean> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  const target = 2 + Math.floor(random() * 60);
  for (;;) {
    if (ended) return false;
    if (moment === 'git' ? gitInWorktree(repo) !== null : (await events(repo)).length >= target) return true;
    await pause(moment === 'git' ? 2 : 20);
  }
}

async function killTrial(index: number): Promise<Row> {
  const mode: KillMode = random() < 0.5 ? 'group' : 'orchestrator';
  const moment: Moment = random() < 0.35 ? 'git' : 'events';
  const repo = await createDemoRepo({ durationMs: 60 + Math.floor(random() * 200) });
  const name = `kill ${mode} at ${moment === 'git' ? 'git add/commit' : 'an event'}`;
  try {
    const run = startRun(repo);
    const hit = await waitForMoment(repo, moment, run);
    if (hit) kill(run.pid, mode);
    await run.exited;
    const killedAt = (await events(repo)).length;
    const code = await resume(repo);
    const problems = await check(repo);
    if (code !== 0) problems.unshift(`resume exited ${code}`);
    const note = hit ? `killed after ${killedAt} events` : 'finished before the moment came';
    return {
      trial: String(index),
      name,
      outcome: problems.length ? 'failed' : 'passed',
      note: problems.join('; ') || note,
    };
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]): void {
  const width = (key: keyof Row) => Math.max(key.length, ...rows.map((r) => r[key].length));
  const line = (r: Record<keyof Row, string>) =>
    [
      r.trial.padEnd(width('trial')),
      r.name.padEnd(width('name')),
      r.outcome.padEnd(width('outcome')),
      r.note,
    ].join('  ');
  console.log(line({ trial: 'trial', name: 'name', outcome: 'outcome', note: 'note' }));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (let i = 1; i <= TRIALS; i++) {
    const row = await killTrial(i);
    rows.push(row);
    console.error(`${row.trial}/${TRIALS} ${row.name}: ${row.outcome} (${row.note})`);
  }
  rows.push(await tornTailTrial());
  rows.push(...(await tmpfsTrials()));
  printTable(rows);
  const count = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
  const skipped = count('skipped') ? `, ${count('skipped')} skipped` : '';
  console.log(`${count('passed')} passed, ${count('failed')} failed${skipped}`);
  process.exitCode = count('failed') > 0 ? 1 : 0;
}

await main();
