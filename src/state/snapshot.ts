import { createHash } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import { writeFileNoFollow } from '../safe-write.js';
import { errorMessage, KittyError } from '../errors.js';
import { snapshotProblem } from './schema.js';
import type { OrchestrationRun, StateStore } from './types.js';

/**
 * Snapshot files: the derived run, written atomically with the previous good one kept as `<file>.bak`. They are
 * a convenience (status, reports, crash forensics); the event log stays the truth.
 */

/**
 * Where in the event log a snapshot stands: `offset` is the byte just past the line of event `seq` (the run's
 * `lastSeq`). A reader checks that line is still there and folds only the lines after it.
 */
export interface LogMark {
  offset: number;
  seq: number;
}

/** What a snapshot file holds. */
export interface SnapshotFile {
  version: 1;
  feature: string;
  /** Absent in snapshots written before marks existed, or when the writer did not know the log's size. */
  log?: LogMark;
  run: OrchestrationRun;
}

/**
 * The text of the snapshot file of `run`: what a `SnapshotFileWriter` writes. Compact (one line): a 1,000-WP
 * run is read by every `status`, and indentation only made it bigger. Sealed: its last key is the SHA-256 of
 * the text before it, so a reader can tell a file we wrote, whole and untouched, from anything else.
 */
export function serializeSnapshot(run: OrchestrationRun, log?: LogMark): string {
  const body: SnapshotFile = { version: 1, feature: run.feature, ...(log ? { log } : {}), run };
  const text = JSON.stringify(body).slice(0, -1);
  return `${text}${SEAL}${sha256(text)}"}\n`;
}

const SEAL = ',"sha256":"';
const SHA256_HEX = 64;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Whether `text` is a snapshot as `serializeSnapshot` wrote it: then its shape is the reducer's by construction
 * and the schema need not walk every WP of it again (about half of what `status` on 1,000 WPs spent). A seal
 * cannot be found inside a value: JSON escapes every quote in a string.
 */
function isSealed(text: string): boolean {
  const at = text.lastIndexOf(SEAL);
  if (at < 0 || text.slice(at + SEAL.length + SHA256_HEX) !== '"}\n') return false;
  return sha256(text.slice(0, at)) === text.slice(at + SEAL.length, at + SEAL.length + SHA256_HEX);
}

/**
 * Writes one snapshot file again and again, atomically, keeping the current one as `<file>.bak`. A current file
 * that is not a valid snapshot is never copied over a good backup: it is moved aside to `<file>.corrupt` for
 * inspection instead.
 */
export interface SnapshotFileWriter {
  /** Write `text` (from `serializeSnapshot`) atomically, keeping the current file as `<file>.bak`. */
  write(text: string): Promise<void>;
}

/**
 * A writer of `file` that remembers the text it last wrote there: while the file is still the one it wrote
 * (same inode, size, mtime and ctime), the backup is written from memory, with no read and no parse. The first
 * write, and any write after the file changed under it (another process, a hand edit, a failed write), reads
 * the current file and checks it: a corrupt one goes to `<file>.corrupt`, never to `<file>.bak`.
 * Writes through one writer never overlap.
 */
export function createSnapshotFileWriter(file: string): SnapshotFileWriter {
  let last: { text: string; stamp: string } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const write = async (text: string): Promise<void> => {
    const remembered = last;
    last = null; // until this write has landed and been stamped
    let previous: string | null;
    if (remembered && remembered.stamp === (await stampOf(file))) previous = remembered.text;
    else {
      previous = await readText(file);
      if (previous !== null && parseSnapshot(previous, file) instanceof KittyError) {
        await rename(file, `${file}.corrupt`);
        previous = null;
      }
    }
    // The backup is a second copy, not the truth: it skips the fsync the main file gets.
    if (previous !== null) await writeFileNoFollow(`${file}.bak`, previous, { fsync: false });
    await writeFileNoFollow(file, text);
    const stamp = await stampOf(file);
    if (stamp !== null) last = { text, stamp };
  };

  return {
    write(text) {
      const result = queue.then(() => write(text));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** What tells whether a file was replaced or modified since it was last looked at; null when it is missing. */
async function stampOf(file: string): Promise<string | null> {
  try {
    const s = await stat(file, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KittyError('state', `cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

/** Read a snapshot file; null when it does not exist. Throws KittyError('state') naming the file when corrupt. */
export async function readSnapshotFile(file: string): Promise<SnapshotFile | null> {
  const text = await readText(file);
  if (text === null) return null;
  const parsed = parseSnapshot(text, file);
  if (parsed instanceof KittyError) throw parsed;
  return parsed;
}

function parseSnapshot(text: string, file: string): SnapshotFile | KittyError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return corrupt(file, `not valid JSON: ${errorMessage(error)}`);
  }
  if (typeof value !== 'object' || value === null) return corrupt(file, 'not a JSON object');
  const snapshot = value as Partial<SnapshotFile>;
  if (snapshot.version !== 1) {
    return corrupt(
      file,
      `unknown version ${JSON.stringify(snapshot.version)}; a newer kitty-orchestrator wrote it?`,
    );
  }
  if (isSealed(text)) return snapshot as SnapshotFile;
  const problem = snapshotProblem(snapshot);
  return problem === null ? (snapshot as SnapshotFile) : corrupt(file, problem);
}

function corrupt(file: string, detail: string): KittyError {
  return new KittyError(
    'corrupt',
    `${file}: ${detail} (a corrupt snapshot; the previous one is in ${file}.bak — fix or move the file, it was left untouched)`,
  );
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KittyError('state', `cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

const SLOW_WRITE_FACTOR = 20;

/** Coalesces snapshot writes: at most one per period, the latest run wins. */
export interface ThrottledSnapshotWriter {
  /** Record the run to persist; returns at once. */
  write(run: OrchestrationRun): void;
  /** Write whatever is pending now and wait for it; rejects if the latest snapshot could not be written. */
  flush(): Promise<void>;
}

/**
 * Wrap a store's `writeSnapshot` so the engine can hand it every run it derives: writes start at most once per
 * `ms`, a write never overlaps another, and runs recorded meanwhile collapse into the latest. Background failures
 * go to `onError` (the engine logs them) and the last one is rethrown by `flush()` unless a later write succeeded.
 * A slow write (a run of hundreds of WPs) stretches the period, so snapshots take at most 1/SLOW_WRITE_FACTOR of
 * the time: they are a convenience, and the event log is already durable.
 */
export function createThrottledSnapshotWriter(
  store: Pick<StateStore, 'writeSnapshot'>,
  /** The minimum period, or the period for the run about to be written (a bigger run can wait longer). */
  ms: number | ((run: OrchestrationRun) => number),
  onError?: (error: unknown) => void,
): ThrottledSnapshotWriter {
  const periodOf = typeof ms === 'number' ? () => ms : ms;
  let pending: OrchestrationRun | null = null;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastDuration = 0;
  let failure: { error: unknown } | null = null;

  const start = (run: OrchestrationRun): void => {
    const started = Date.now();
    lastStart = started;
    inFlight = store.writeSnapshot(run).then(
      () => {
        failure = null;
        lastDuration = Date.now() - started;
      },
      (error: unknown) => {
        failure = { error };
        onError?.(error);
      },
    );
    void inFlight.finally(() => {
      inFlight = null;
      kick();
    });
  };

  const kick = (): void => {
    if (inFlight || timer || !pending) return;
    const wait = lastStart + Math.max(periodOf(pending), lastDuration * SLOW_WRITE_FACTOR) - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        kick();
      }, wait);
      return;
    }
    const run = pending;
    pending = null;
    start(run);
  };

  const flush = async (): Promise<void> => {
    for (;;) {
      clearTimeout(timer);
      timer = undefined;
      if (inFlight) await inFlight;
      else if (pending) {
        const run = pending;
        pending = null;
        start(run);
      } else break;
    }
    if (failure)
      throw failure.error instanceof Error ? failure.error : new Error(errorMessage(failure.error));
  };

  return {
    write(run) {
      pending = run;
      kick();
    },
    flush,
  };
}
