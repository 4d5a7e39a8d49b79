import { GitError } from './git.js';
import { gitDirs } from './git-dirs.js';
import { gitEnv } from './git.js';
import { LineProcess, LineProcessError } from './line-process.js';

/**
 * Git's batch modes, one long-lived process per repository and mode: object lookups through `git cat-file
 * --batch-check` (0.04 ms a query, against a process spawn that blocks our event loop for milliseconds) and ref
 * updates through `git update-ref --stdin` transactions. Both run with `--git-dir` set to the repository's
 * shared git dir and `/` as their working directory: refs and objects are shared by every worktree, and a
 * process of ours working inside the repository would look like a live owner of its stale locks.
 */

/** What `cat-file --batch-check` says about a revision: its object, or null when it names nothing. */
export interface ObjectInfo {
  oid: string;
  type: 'commit' | 'tree' | 'blob' | 'tag';
}

const QUERY_TIMEOUT_MS = 30_000;
/** Ref locks wait up to core.filesRefLockTimeout (100 ms default); hooks may run. */
const UPDATE_TIMEOUT_MS = 60_000;

const processes = new Map<string, LineProcess>();

async function batchProcess(
  cwd: string,
  mode: readonly string[],
): Promise<{ proc: LineProcess; dir: string }> {
  const { commonDir } = await gitDirs(cwd);
  const key = `${mode.join(' ')}\0${commonDir}`;
  let proc = processes.get(key);
  if (proc === undefined) {
    proc = new LineProcess({ argv: ['git', `--git-dir=${commonDir}`, ...mode], cwd: '/', env: gitEnv() });
    processes.set(key, proc);
  }
  return { proc, dir: commonDir };
}

/** Stops every batch process (the end of a run; tests). Requests not yet answered fail. */
export function stopGitBatches(): void {
  for (const proc of processes.values()) proc.stop();
  processes.clear();
}

/** A newline would end the request early and shift every answer after it onto the wrong question. */
function assertOneLine(text: string, args: readonly string[], cwd: string): void {
  if (/[\n\r\0]/.test(text)) {
    throw new GitError(args, cwd, null, '', '', { reason: `a line break or NUL in ${JSON.stringify(text)}` });
  }
}

/** Looks up each revision (`refs/heads/x`, `<oid>^{commit}`, …) in one round trip; null where it names nothing. */
export async function objectInfo(revs: readonly string[], cwd: string): Promise<(ObjectInfo | null)[]> {
  if (revs.length === 0) return [];
  const args = ['cat-file', '--batch-check'];
  for (const rev of revs) assertOneLine(rev, args, cwd);
  const { proc, dir } = await batchProcess(cwd, args);
  const request = {
    input: revs.map((rev) => `${rev}\n`).join(''),
    done: (answered: readonly string[]) => answered.length === revs.length,
    timeoutMs: QUERY_TIMEOUT_MS,
  };
  // A lookup changes nothing: when the process died under it (killed from outside), ask a new one once.
  const lines = await proc
    .request(request)
    .catch(() => proc.request(request))
    .catch((error: unknown) => rethrow(error, args, dir));
  return lines.map(parseObjectLine);
}

/** `<oid> <type> <size>`, or `<rev> missing` / `<rev> ambiguous`. */
function parseObjectLine(line: string): ObjectInfo | null {
  const match = /^([0-9a-f]{40,64}) (commit|tree|blob|tag) \d+$/.exec(line);
  return match ? { oid: match[1] ?? '', type: match[2] as ObjectInfo['type'] } : null;
}

/**
 * Applies ref updates as one transaction (`update <ref> <new> [<old>]`, `create <ref> <new>`, `delete <ref>
 * [<old>]`, …; full object names): all or nothing. A refused update (an old value that no longer matches, a
 * lock held) rejects with a GitError carrying git's reason.
 */
export async function updateRefs(commands: readonly string[], cwd: string): Promise<void> {
  const args = ['update-ref', '--stdin'];
  for (const command of commands) assertOneLine(command, args, cwd);
  const { proc, dir } = await batchProcess(cwd, args);
  const input = ['start', ...commands, 'prepare', 'commit'].map((line) => `${line}\n`).join('');
  // Answers: `start: ok`, `prepare: ok`, `commit: ok`; a refusal ends the process with `fatal: …` instead.
  await proc
    .request({ input, done: (answered) => answered.length === 3, timeoutMs: UPDATE_TIMEOUT_MS })
    .catch((error: unknown) => rethrow(error, args, dir));
}

/** Like updateRefs, but a refusal is an answer (false), as a compare-and-delete that found the ref moved. */
export async function tryUpdateRefs(commands: readonly string[], cwd: string): Promise<boolean> {
  return updateRefs(commands, cwd).then(
    () => true,
    (error: unknown) => {
      if (error instanceof GitError && error.exitCode !== null) return false;
      throw error;
    },
  );
}

function rethrow(error: unknown, args: readonly string[], dir: string): never {
  if (!(error instanceof LineProcessError)) throw error;
  // A `fatal:` on stderr is git refusing the request (exit 128); anything else is the process failing us.
  const refused = /^(fatal|error):/m.test(error.stderr);
  throw new GitError(args, dir, refused ? 128 : null, error.stderr, '', {
    cause: error,
    reason: refused ? undefined : error.message,
  });
}
