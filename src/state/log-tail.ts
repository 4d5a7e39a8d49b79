import { open, type FileHandle } from 'node:fs/promises';
import { parseEventLog } from './file-store.js';
import type { LogMark } from './snapshot.js';
import type { OrchestrationEvent } from './types.js';

/**
 * The event log from a snapshot's mark on: `status` folds only what was appended since the snapshot, so it costs
 * what changed, whatever the run's size. The mark is trusted only when the log still holds, just before it, the
 * line of the event the snapshot ends with (same seq and time): a truncated, rewritten or replaced log sends the
 * reader back to the full replay.
 */

/** Longest line we look back over to find the marked event (a `run_started` of 10,000 WPs is about 1 MB). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * The events after `mark`, or null when the log does not match it (missing, shorter, another line there) or its
 * tail does not parse cleanly: the caller then replays the whole log, which names the file and line at fault.
 */
export async function readLogTail(
  file: string,
  mark: LogMark,
  markedAt: string,
): Promise<OrchestrationEvent[] | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await handle.stat()).size;
    if (mark.offset < 2 || size < mark.offset) return null;
    if (!matches(await lineBefore(handle, mark.offset), mark.seq, markedAt)) return null;
    const tail = Buffer.alloc(size - mark.offset);
    await readFully(handle, tail, mark.offset);
    return parseEventLog(tail.toString('utf8'), file, mark.seq);
  } catch {
    return null; // the full replay reads it again and reports what is wrong, naming the file and line
  } finally {
    await handle.close();
  }
}

/** Whether `line` is the event a snapshot ended with. */
function matches(line: string | null, seq: number, at: string): boolean {
  if (line === null) return false;
  try {
    const event = JSON.parse(line) as { seq?: unknown; at?: unknown };
    return event.seq === seq && event.at === at;
  } catch {
    return false;
  }
}

/** The line that ends with the newline at `offset - 1`; null when there is no newline there. */
async function lineBefore(handle: FileHandle, offset: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let end = offset - 1;
  const last = Buffer.alloc(1);
  await readFully(handle, last, end);
  if (last[0] !== 0x0a) return null;
  while (end > 0 && offset - end <= MAX_LINE_BYTES) {
    const start = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - start);
    await readFully(handle, chunk, start);
    const newline = chunk.lastIndexOf(0x0a);
    if (newline >= 0) {
      chunks.unshift(chunk.subarray(newline + 1));
      return Buffer.concat(chunks).toString('utf8');
    }
    chunks.unshift(chunk);
    end = start;
  }
  return end === 0 ? Buffer.concat(chunks).toString('utf8') : null;
}

async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buffer.length;) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new Error('the event log shrank while it was read');
    done += bytesRead;
  }
}
