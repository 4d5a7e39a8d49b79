import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process groups: every child we spawn leads its own group (spawn `detached: true`), so one signal to `-pgid`
 * reaches the agent and everything it started. This module signals groups, tells whether one still has living
 * members, and keeps a registry of the groups still running so an entry can kill them all on its way out.
 *
 * POSIX only: Windows has no process groups; there we signal the leader alone.
 */

const liveGroups = new Set<number>();

/** Remembers a running group so `killAllChildren` can reach it. */
export function registerGroup(pgid: number): void {
  liveGroups.add(pgid);
}

/** Forgets a group once it is known to be gone (or has been sent SIGKILL). */
export function unregisterGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** The process groups started by `runProcess` that have not finished yet. */
export function liveProcessGroups(): number[] {
  return [...liveGroups];
}

/**
 * Sends `signal` to every still-running group, synchronously, so it can be called from a signal handler or a
 * `process.on('exit')` hook (where nothing asynchronous runs any more: hence SIGKILL by default).
 * Returns how many groups were signalled.
 */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): number {
  let count = 0;
  for (const pgid of liveGroups) {
    if (signalGroup(pgid, signal)) count += 1;
  }
  if (signal === 'SIGKILL') liveGroups.clear();
  return count;
}

/** Signals the whole group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the group exists but holds a process we may not signal (a setuid helper); treat it as alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the group still has a member that is not a zombie. `kill(-pgid, 0)` alone is not enough: where PID 1
 * does not reap orphans (many containers and micro-VMs), a killed grandchild stays a zombie forever, and waiting
 * for it to vanish would burn the whole grace period on every run. On Linux we therefore read /proc.
 */
export function groupHasLiveMembers(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const live = liveProcesses();
  return live === null || live.some(({ stat }) => stat.pgrp === pgid);
}

/** Every living (not zombie) process this machine shows us; null without a readable /proc (not Linux). */
export function liveProcesses(): { pid: number; stat: ProcStat }[] | null {
  if (process.platform !== 'linux') return null;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const live: { pid: number; stat: ProcStat }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && !isDeadState(stat.state)) live.push({ pid: Number(entry), stat });
  }
  return live;
}

/** Whether one process is alive (exists and is not a zombie). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const stat = readProcStat(pid);
  return stat === null || !isDeadState(stat.state);
}

/** What /proc/<pid>/stat tells us: state, process group, and start time (clock ticks since boot). */
export interface ProcStat {
  state: string;
  pgrp: number;
  startTime: number;
}

/** Parses `/proc/<pid>/stat`; the command name may hold spaces and parentheses, so split after the last ')'. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTime = Number(fields[19]);
  return state === undefined || !Number.isFinite(pgrp) ? null : { state, pgrp, startTime };
}

/** Whether a /proc state letter means the process is gone (a zombie or dead). */
function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the group has no living member or `timeoutMs` passes; resolves true when it is gone. */
export async function waitForGroupGone(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupHasLiveMembers(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
  return true;
}

/** Stops one process: SIGTERM, up to `graceMs` for it to go, then SIGKILL. */
export async function terminateProcess(pid: number, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(25);
  if (isProcessAlive(pid)) signal('SIGKILL');
}

/**
 * Stops a whole group: SIGTERM, up to `graceMs` for it to go, then SIGKILL and a short bounded wait (SIGKILL
 * cannot be ignored, but a process in uninterruptible sleep takes a moment; we never wait on it forever).
 * Returns the strongest signal it had to send ('none' when the group was already gone).
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<'none' | 'SIGTERM' | 'SIGKILL'> {
  if (!groupHasLiveMembers(pgid)) return 'none';
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupGone(pgid, graceMs)) return 'SIGTERM';
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupGone(pgid, 1000);
  return 'SIGKILL';
}

/**
 * `EngineExtras.killGroup` for `orchestrate()`: stops the process group of an agent a crashed run left behind
 * (SIGTERM, `graceMs` to go, then SIGKILL).
 */
export async function killGroup(pgid: number, graceMs = 5000): Promise<void> {
  await terminateGroup(pgid, graceMs);
}
