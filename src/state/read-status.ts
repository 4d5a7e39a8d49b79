import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseEventLog, readEventLogText, statePaths, type StatePaths } from './file-store.js';
import { readLogTail } from './log-tail.js';
import { reduce, reduceOnto } from './reduce.js';
import {
  createSnapshotFileWriter,
  readSnapshotFile,
  serializeSnapshot,
  type LogMark,
  type SnapshotFile,
} from './snapshot.js';
import type { OrchestrationEvent, OrchestrationRun } from './types.js';

/**
 * The run `status` shows, exactly as the feature's event log has it: its snapshot plus the events appended after
 * the snapshot's mark when the log still matches that mark, else the whole log replayed; else (no log) its
 * snapshot. Without a feature: the feature of the most recent snapshot (or, if there is none, of the most recently
 * written log). Null when nothing was ever recorded.
 */
export async function readStatus(options: {
  repoDir: string;
  feature?: string;
}): Promise<OrchestrationRun | null> {
  const globalFile = path.join(options.repoDir, '.kittify', 'orchestration-state.json');
  const global = options.feature === undefined ? await readSnapshotFile(globalFile) : null;
  const feature = options.feature ?? global?.feature ?? (await latestLog(options.repoDir));
  if (!feature) return null;
  const paths = statePaths(options.repoDir, feature);
  // The global snapshot is usually the feature's own (the same text): then one file is read, not two.
  const candidates =
    global?.feature === feature ? [() => Promise.resolve(global), ownSnapshot] : [ownSnapshot];
  for (const candidate of candidates) {
    const run = await fromSnapshot(paths.events, await candidate(paths));
    if (run) return run;
  }
  return fullReplay(paths, globalFile, feature);
}

/** The feature's snapshot, or null when it is missing or corrupt (the log then decides). */
const ownSnapshot = (paths: StatePaths): Promise<SnapshotFile | null> =>
  readSnapshotFile(paths.featureSnapshot).catch(() => null);

/** The snapshot brought up to the end of the log; null when it has no mark or the log does not match it. */
async function fromSnapshot(events: string, snapshot: SnapshotFile | null): Promise<OrchestrationRun | null> {
  if (!snapshot?.log || snapshot.log.seq !== snapshot.run.lastSeq) return null;
  const tail = await readLogTail(events, snapshot.log, snapshot.run.updatedAt);
  return tail && reduceOnto(snapshot.run, tail);
}

async function fullReplay(
  paths: StatePaths,
  globalFile: string,
  feature: string,
): Promise<OrchestrationRun | null> {
  const text = await readEventLogText(paths.events);
  const events = text === null ? null : parseEventLog(text, paths.events);
  const fromLog = events ? reduce(events) : null;
  if (fromLog && text !== null && events) {
    await refreshSnapshot(paths.featureSnapshot, fromLog, markOf(text, events));
    return fromLog;
  }
  const snapshot = await readSnapshotFile(paths.featureSnapshot);
  if (snapshot) return snapshot.run;
  const global = await readSnapshotFile(globalFile);
  return global?.feature === feature ? global.run : null;
}

/** The mark of a whole log whose last line is its last event; undefined otherwise (a torn tail, blank lines). */
function markOf(text: string, events: readonly OrchestrationEvent[]): LogMark | undefined {
  const last = events.at(-1);
  if (!last || !text.endsWith('}\n')) return undefined;
  const line = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
  try {
    if ((JSON.parse(line) as { seq?: unknown }).seq !== last.seq) return undefined;
  } catch {
    return undefined;
  }
  return { offset: Buffer.byteLength(text), seq: last.seq };
}

/**
 * A snapshot that could not be written (a full or read-only disk, a crash), or one from before snapshots carried
 * their mark, is rebuilt from the log by the next reader, best effort. One that is there but invalid is left for
 * a human: its error names it when it is read. One ahead of the log (a truncated log) is left alone too.
 */
async function refreshSnapshot(
  file: string,
  run: OrchestrationRun,
  mark: LogMark | undefined,
): Promise<void> {
  const current = await readSnapshotFile(file).catch(() => undefined);
  if (current === undefined) return;
  const behind = current === null || current.run.lastSeq < run.lastSeq;
  const unmarked = current !== null && current.run.lastSeq === run.lastSeq && !current.log && mark;
  if (!behind && !unmarked) return;
  await createSnapshotFileWriter(file)
    .write(serializeSnapshot(run, mark))
    .catch(() => undefined);
}

/** The feature whose event log was written last; null when there is none. */
async function latestLog(repoDir: string): Promise<string | null> {
  const root = path.join(repoDir, '.kittify', 'orchestration');
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  let best: { feature: string; mtimeMs: number } | null = null;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const info = await stat(path.join(root, entry.name, 'events.jsonl')).catch(() => null);
    if (info && (!best || info.mtimeMs > best.mtimeMs)) best = { feature: entry.name, mtimeMs: info.mtimeMs };
  }
  return best?.feature ?? null;
}
