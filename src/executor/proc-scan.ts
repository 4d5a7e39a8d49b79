import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { liveProcesses, readProcStat } from './process-tree.js';

/**
 * Finding processes by what they are doing rather than by the group they were started in: a process that left
 * its group with `setsid` escapes a group kill, and a git command killed half-way leaves a lock file whose owner
 * we can only judge by whether anything still works in that directory. Linux only (/proc); elsewhere every
 * question here answers "unknown" (null), and callers keep the cautious choice.
 */

/** The living processes of this machine we may look at, without ourselves; null when there is no /proc. */
function livePids(): number[] | null {
  const live = liveProcesses();
  return live === null ? null : live.map(({ pid }) => pid).filter((pid) => pid !== process.pid);
}

/** The process's working directory, or null when it is gone or not ours to read. */
function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

function environHas(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
  } catch {
    return false;
  }
}

const isInside = (dir: string, candidate: string): boolean =>
  candidate === dir || candidate.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** Living processes (not this one) whose working directory is `dir` or below it; null when unknown. */
export function processesInDir(dir: string): number[] | null {
  const pids = livePids();
  if (pids === null) return null;
  return pids.filter((pid) => {
    const cwd = cwdOf(pid);
    return cwd !== null && isInside(dir, cwd);
  });
}

/** What marks the processes of one agent attempt. */
export interface AttemptMark {
  /** `NAME=value` put into the agent's environment: inherited by everything it starts, setsid or not. */
  envEntry: string;
  /** The attempt's worktree: a process working there that started after `startTime` is the attempt's too. */
  dir: string;
  /** The agent's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTime: number;
}

/** Living processes that belong to an attempt by its mark (see AttemptMark); [] when unknown. */
export function processesOfAttempt(mark: AttemptMark): number[] {
  const pids = livePids() ?? [];
  return pids.filter((pid) => {
    if (environHas(pid, mark.envEntry)) return true;
    const cwd = cwdOf(pid);
    if (cwd === null || !isInside(mark.dir, cwd)) return false;
    const stat = readProcStat(pid);
    return stat !== null && stat.startTime >= mark.startTime;
  });
}
