import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertNoSymlink } from '../safe-write.js';

/**
 * Output plumbing for `runProcess`: an in-memory capture capped to its tail, a line splitter for live views, and
 * the append-only per-attempt log file. Kept apart from the process logic so each stays small and testable.
 */

/** Keeps the last `maxChars` characters of a stream (agents print their verdict and usage at the end). */
export class TailBuffer {
  private chunks: string[] = [];
  private length = 0;
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    // Drop whole chunks from the head while what remains still covers the cap; the final slice trims the rest.
    while (this.chunks.length > 1 && this.length - (this.chunks[0]?.length ?? 0) >= this.maxChars) {
      const head = this.chunks.shift() ?? '';
      this.length -= head.length;
      this.dropped += head.length;
    }
  }

  /** The captured text; when the head was dropped, a one-line note says how much and where the rest is. */
  text(streamName: string, logFile: string | undefined): string {
    const all = this.chunks.join('');
    const excess = Math.max(0, all.length - this.maxChars);
    const dropped = this.dropped + excess;
    if (dropped === 0) return all;
    const where = logFile ? `; the full output is in ${logFile}` : '';
    return `[kitty-orchestrator: first ${dropped} characters of ${streamName} dropped${where}]\n${all.slice(excess)}`;
  }
}

/**
 * Splits a stream of text into lines (`\n`, with a trailing `\r` removed) and hands out each complete one. A line
 * longer than `maxLineChars` is cut there with a note, and the rest of it is counted, not kept: memory stays
 * bounded however long an agent prints without a newline.
 */
export class LineSplitter {
  private partial = '';
  /** Characters of the current line dropped past the cap. */
  private dropped = 0;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLineChars: number = Infinity,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      this.add(chunk.slice(start, newline));
      this.end();
      start = newline + 1;
    }
    this.add(chunk.slice(start));
  }

  /** Emits the last line when the stream ended without a newline. */
  flush(): void {
    if (this.partial !== '' || this.dropped > 0) this.end();
  }

  private add(piece: string): void {
    const room = this.maxLineChars - this.partial.length;
    if (piece.length <= room) {
      this.partial += piece;
      return;
    }
    this.partial += piece.slice(0, Math.max(0, room));
    this.dropped += piece.length - Math.max(0, room);
  }

  private end(): void {
    const line = stripCr(this.partial);
    const note =
      this.dropped > 0
        ? ` [kitty-orchestrator: line cut at ${this.maxLineChars} characters, ${this.dropped} more dropped]`
        : '';
    this.partial = '';
    this.dropped = 0;
    this.emit(line + note);
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * The per-attempt log file, opened for append. A log that cannot be written (bad path, full disk) must not cost
 * the agent run: the failure is remembered and reported in the captured stderr instead.
 */
export class ProcessLog {
  private stream: WriteStream | null = null;
  private failure: string | null = null;
  private bytes = 0;
  private full = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly maxBytes: number,
  ) {}

  /** `maxBytes` caps the agent's output in the log (our own start and end lines are always written). */
  static async open(file: string | undefined, maxBytes: number = Infinity): Promise<ProcessLog> {
    const log = new ProcessLog(file, maxBytes);
    if (file === undefined) return log;
    try {
      await assertNoSymlink(file);
      await mkdir(dirname(file), { recursive: true });
      const stream = createWriteStream(file, { flags: 'a' });
      stream.on('error', (error) => log.fail(error));
      log.stream = stream;
    } catch (error) {
      log.fail(error);
    }
    return log;
  }

  write(text: string): void {
    if (this.stream && this.failure === null) this.stream.write(text);
  }

  /**
   * Writes agent output while the cap allows; the write that would pass it is replaced by a note, and false is
   * returned from then on (so the live view stops too: the runner log has no cap of its own).
   */
  writeOutput(text: string): boolean {
    if (this.full) return false;
    this.bytes += Buffer.byteLength(text);
    if (this.bytes <= this.maxBytes) {
      this.write(text);
      return true;
    }
    this.full = true;
    this.write(
      `[kitty-orchestrator: log cap of ${this.maxBytes} bytes reached; the rest of the output is not logged]\n`,
    );
    return false;
  }

  /** Whether the cap was reached. */
  get capped(): boolean {
    return this.full;
  }

  /** Why the log could not be written, or null. */
  get error(): string | null {
    return this.failure === null
      ? null
      : `[kitty-orchestrator: cannot write log ${this.file}: ${this.failure}]\n`;
  }

  /** Flushes and closes; resolves once the data is on disk (or the stream failed). */
  close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream || stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      stream.once('error', () => resolve());
      stream.end(() => resolve());
    });
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error.message : String(error);
  }
}

const MAX_SHOWN_ARG = 200;

/** argv as one readable line: long arguments (the prompt) shortened, arguments with spaces quoted. */
export function describeArgv(argv: readonly string[]): string {
  return argv
    .map((arg) => {
      const shown =
        arg.length > MAX_SHOWN_ARG ? `${arg.slice(0, MAX_SHOWN_ARG)}… (${arg.length} chars)` : arg;
      return /^[\w@%+=:,./-]+$/.test(shown) ? shown : JSON.stringify(shown);
    })
    .join(' ');
}
