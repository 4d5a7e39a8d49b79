import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, KittyError } from '../errors.js';
import { assertNoSymlink } from '../safe-write.js';
import { acquireRunLock } from './lock.js';
import { eventProblem } from './schema.js';
import { createMarkBook } from './log-marks.js';
import { createSnapshotFileWriter, serializeSnapshot } from './snapshot.js';
import type { NewEvent, OrchestrationEvent, OrchestrationRun, StateStore } from './types.js';

/**
 * The file store: `<repo>/.kittify/orchestration/<feature>/events.jsonl` is the truth (append-only, one JSON
 * event a line, each append one write of whole lines plus fsync); snapshots are derived copies for readers.
 * The action's cache step saves and restores the same files.
 */

/** Where a feature's state lives. */
export interface StatePaths {
  /** `<repo>/.kittify/orchestration/<feature>`: the log, the feature's snapshot and the run lock. */
  featureDir: string;
  events: string;
  /** The feature's own snapshot, so `status --feature X` works for any feature. */
  featureSnapshot: string;
  /** `<repo>/.kittify/orchestration-state.json`: the most recent run of any feature. */
  globalSnapshot: string;
}

export interface FileStoreOptions {
  repoDir: string;
  /** The feature's directory name under kitty-specs/, e.g. `001-checkout-flow`. */
  feature: string;
  /** Stamps `at` on appended events (default: the system clock). */
  clock?: { now(): Date };
  /** Told (never thrown at) when the run lock is lost while held; see RunLockOptions.onCompromised. */
  onLockCompromised?: (error: KittyError) => void;
}

/** The state paths of `feature` in `repoDir`; throws KittyError('usage') if the name cannot be a directory. */
export function statePaths(repoDir: string, feature: string): StatePaths {
  if (!feature || feature === '.' || feature === '..' || /[/\\\0]/.test(feature)) {
    throw new KittyError(
      'usage',
      `feature "${feature}" is not a directory name (expected e.g. 001-checkout-flow)`,
    );
  }
  const kittify = path.join(repoDir, '.kittify');
  const featureDir = path.join(kittify, 'orchestration', feature);
  return {
    featureDir,
    events: path.join(featureDir, 'events.jsonl'),
    featureSnapshot: path.join(featureDir, 'state.json'),
    globalSnapshot: path.join(kittify, 'orchestration-state.json'),
  };
}

/** Create the store of one feature's runs. Nothing is written until the first append or snapshot. */
export function createFileStore(options: FileStoreOptions): StateStore {
  const paths = statePaths(options.repoDir, options.feature);
  const now = (): string => (options.clock?.now() ?? new Date()).toISOString();
  // The next seq is lastSeq + 1; null means "read it from the log first" (initially, and after a failed write).
  let lastSeq: number | null = null;
  // The log's size after this store's last append; null when unknown (initially, and after a failed write).
  let logSize: number | null = null;
  // Where each appended event's line ends, so a snapshot can tell readers where in the log it stands.
  const marks = createMarkBook();
  // One queue for loads and appends: a load racing an append could otherwise hand out a seq twice.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  // They remember what they last wrote, so each snapshot's backup is written from memory.
  const snapshots = {
    feature: createSnapshotFileWriter(paths.featureSnapshot),
    global: createSnapshotFileWriter(paths.globalSnapshot),
  };

  const load = async (): Promise<OrchestrationEvent[]> => {
    const events = (await readEventLog(paths.events)) ?? [];
    lastSeq = events.at(-1)?.seq ?? 0;
    return events;
  };

  const append = async (events: NewEvent[]): Promise<OrchestrationEvent[]> => {
    if (events.length === 0) return [];
    const first = (lastSeq ?? (await load()).at(-1)?.seq ?? 0) + 1;
    const at = now();
    // seq and at lead each line (easy to read) and win over anything the caller smuggled in.
    const stamped = events.map((e, i) => Object.assign({ seq: first + i, at }, e, { seq: first + i, at }));
    const lines = stamped.map((e) => `${JSON.stringify(e)}\n`);
    try {
      logSize = await appendLines(paths.events, lines.join(''), logSize);
      marks.appended(
        first,
        lines.map((line) => Buffer.byteLength(line)),
        logSize,
      );
    } catch (error) {
      lastSeq = null;
      logSize = null;
      throw new KittyError('state', `cannot append to ${paths.events}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    lastSeq = first + events.length - 1;
    return stamped;
  };

  return {
    location: paths.featureDir,
    load: () => enqueue(load),
    append: (events) => enqueue(() => append(events)),
    async writeSnapshot(run: OrchestrationRun) {
      // Serialized once: both files hold the same text.
      const text = serializeSnapshot(run, marks.take(run.lastSeq));
      await mkdir(paths.featureDir, { recursive: true });
      await snapshots.feature.write(text);
      await snapshots.global.write(text);
    },
    lock: () =>
      acquireRunLock(paths.featureDir, {
        feature: options.feature,
        onCompromised: options.onLockCompromised,
      }),
  };
}

/**
 * Append `text` (whole lines) with one write and fsync it; returns the log's new size. A log whose last line was
 * cut short by a crash does not end in a newline: the write then starts with one, so the remnant stays a line
 * of its own (see parseEventLog). `knownSize` is the size this process's last append left the log at: a log of
 * that size ends with that append's newline, so its last byte need not be read again.
 */
async function appendLines(file: string, text: string, knownSize: number | null): Promise<number> {
  const handle = await openForAppend(file);
  let created = false;
  let size: number;
  let data: Buffer;
  try {
    size = (await handle.stat()).size;
    created = size === 0;
    let prefix = '';
    if (size > 0 && size !== knownSize) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    data = Buffer.from(prefix + text, 'utf8');
    for (let offset = 0; offset < data.length;) {
      offset += (await handle.write(data, offset, data.length - offset)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  // A new file is only durable once its directory entry is: fsync the directory too.
  if (created) await syncDir(path.dirname(file));
  return size + data.length;
}

/** Open `file` to append, creating it, and its directory only when that is missing (not on every append). */
async function openForAppend(file: string): Promise<FileHandle> {
  await assertNoSymlink(file);
  try {
    return await open(file, 'a+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true });
    return await open(file, 'a+');
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Read and parse an event log; null when the file does not exist. */
export async function readEventLog(file: string): Promise<OrchestrationEvent[] | null> {
  const text = await readEventLogText(file);
  return text === null ? null : parseEventLog(text, file);
}

/** An event log's text; null when the file does not exist. */
export async function readEventLogText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KittyError('state', `cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Parse an event log, never modifying it. Tolerated, because a crash mid-append produces them:
 * - a last line without a trailing newline that is not valid JSON (the torn tail of the last write);
 * - an unparseable line in the middle whose next event takes the seq right after the previous one: the remnant
 *   of such a tail after the next append started on a fresh line (the lost event's seq was handed out again).
 * Anything else (bad JSON, a non-event, a seq that does not increase) throws KittyError('state') naming file:line.
 * `afterSeq`: the seq just before `text` (a tail read from a snapshot's mark; its line numbers start at 1).
 */
export function parseEventLog(text: string, file: string, afterSeq = 0): OrchestrationEvent[] {
  const lines = text.split('\n');
  const events: OrchestrationEvent[] = [];
  let prevSeq = afterSeq;
  let remnant: { line: number; problem: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const parsed = parseLine(line, prevSeq);
    if (typeof parsed !== 'string') {
      if (remnant && parsed.seq !== prevSeq + 1) throw corruptEvent(file, remnant.line, remnant.problem);
      remnant = null;
      events.push(parsed);
      prevSeq = parsed.seq;
    } else if (i === lines.length - 1 && parsed === NOT_JSON) {
      remnant = null; // the torn tail: a later writer came, so an earlier remnant is explained too
    } else if (parsed === NOT_JSON && !remnant) {
      remnant = { line: i + 1, problem: parsed };
    } else {
      throw corruptEvent(file, remnant?.line ?? i + 1, remnant?.problem ?? parsed);
    }
  }
  if (remnant) throw corruptEvent(file, remnant.line, remnant.problem);
  return events;
}

const NOT_JSON = 'not valid JSON';

/** The event on a line, or what is wrong with it. Unknown types pass: a newer version may have written them. */
function parseLine(line: string, prevSeq: number): OrchestrationEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return NOT_JSON;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { seq, at, type } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return 'seq is not a positive integer';
  if (seq <= prevSeq) return `seq ${seq} does not follow ${prevSeq}`;
  if (typeof at !== 'string' || typeof type !== 'string') return 'missing "at" or "type"';
  return eventProblem(type, value) ?? (value as OrchestrationEvent);
}

function corruptEvent(file: string, line: number, problem: string): KittyError {
  return new KittyError(
    'corrupt',
    `${file}:${line}: ${problem} (a corrupt state event; fix or move the file — it was left untouched)`,
  );
}
