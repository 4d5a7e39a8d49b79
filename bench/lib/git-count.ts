/**
 * Counts the git processes the orchestrator itself starts: a `git` shim first on this process's PATH appends
 * one line (its arguments) to a log, then execs the real git. The agents get their own PATH without the shim
 * (see agentEnv), so the sim agent's commits are not counted, and git's own sub-commands are not either (git
 * puts its exec-path first on their PATH).
 */
import { execFileSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const LOG_VAR = 'KITTY_BENCH_GIT_LOG';

export interface GitCounter {
  /** Git processes started since the last reset, with the most common sub-commands and how many of them this
   * process forked itself (the rest come from the spawn helper and the batch processes). */
  take(): Promise<{ total: number; top: [string, number][]; forkedHere: number }>;
}

/** Install the shim in `dir` and put it first on this process's PATH; the counter reads and resets its log. */
export async function installGitCounter(dir: string): Promise<GitCounter> {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'git-calls.log');
  const shim = path.join(dir, 'git');
  // dash builtins only before the exec: no extra fork per git call.
  await writeFile(shim, `#!/bin/sh\nprintf '%s %s\\n' "$PPID" "$*" >> "$${LOG_VAR}"\nexec ${realGit} "$@"\n`);
  await chmod(shim, 0o755);
  await writeFile(log, '');
  process.env[LOG_VAR] = log;
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
  return {
    async take() {
      const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
      await writeFile(log, '');
      const counts = new Map<string, number>();
      let forkedHere = 0;
      for (const line of lines) {
        const [ppid = '', ...args] = line.split(' ');
        if (ppid === String(process.pid)) forkedHere++;
        const sub = subcommand(args);
        counts.set(sub, (counts.get(sub) ?? 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6);
      return { total: lines.length, top, forkedHere };
    },
  };
}

/** The sub-command of a logged git command line: the first word after the global `-C dir` / `-c k=v` options. */
function subcommand(words: string[]): string {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-C' || w === '-c') i++;
    else if (!w.startsWith('-')) return w;
  }
  return '?';
}

/** The environment the agents get: system tools and this Node only, never the shim or its log. */
export function agentEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` };
  delete env[LOG_VAR];
  return env;
}
