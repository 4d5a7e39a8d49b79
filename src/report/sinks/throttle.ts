/**
 * Writes the latest of a stream of values at most once per interval, one write at a time. Values pushed while
 * a write is in flight or the interval has not passed replace each other: only the newest is written, on the
 * trailing edge. `flush` writes the newest value at once and waits for it. GitHub's content limits (about 80
 * writes a minute) make this the difference between one comment edited calmly and a secondary rate limit.
 */
export class LatestValueThrottle<T> {
  private pending: { value: T } | null = null;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly write: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    /** Called when a write rejects; writes should handle their own errors, this is the last net. */
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queue `value`; it is written when the interval allows, unless a newer value replaces it first. */
  push(value: T): void {
    this.pending = { value };
    this.schedule();
  }

  /** Write `value` (or the pending one) now, after any write in flight, and wait until it is written. */
  async flush(value?: T): Promise<void> {
    if (value !== undefined) this.pending = { value };
    this.clearTimer();
    while (this.inFlight) await this.inFlight;
    this.clearTimer();
    if (this.pending) await this.start();
  }

  private schedule(): void {
    if (this.inFlight || this.timer || !this.pending) return;
    const wait = this.lastStart + this.intervalMs - this.now();
    if (wait <= 0) {
      void this.start();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, wait);
    // A pending progress edit must not keep the process alive after the run ended.
    this.timer.unref();
  }

  private start(): Promise<void> {
    const { value } = this.pending!;
    this.pending = null;
    this.lastStart = this.now();
    let started: Promise<void>;
    try {
      started = this.write(value);
    } catch (error) {
      // A write that throws before returning its promise is reported like one that rejects.
      this.onError(error);
      started = Promise.resolve();
    }
    const writing = started
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    this.inFlight = writing;
    return writing;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
