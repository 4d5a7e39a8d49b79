import type { LivenessWatch } from './types.js';

/**
 * One attempt's watch for progress (RunProcessOptions.liveness): calls `onStuck` once the limit has passed
 * without a progress line, when the attempt printed waiting lines (or nothing, for a CLI that streams events).
 * A waiting line arriving after the limit stops it at once: codex prints one about once a minute.
 */
export class LivenessTimer {
  #progress = false;
  #waiting = false;
  #expired = false;
  #ended = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly watch: LivenessWatch | undefined,
    private readonly onStuck: () => void,
  ) {}

  get active(): boolean {
    return this.watch !== undefined;
  }

  start(clamp: (ms: number) => number): void {
    if (!this.watch) return;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.#check();
    }, clamp(this.watch.waitLimitMs));
  }

  /** The process ended: nothing may be stopped any more. */
  end(): void {
    this.#ended = true;
    this.#clear();
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** Notes one output line; true when it counts as activity for the inactivity timer (waiting lines do not). */
  line(text: string, stream: 'stdout' | 'stderr'): boolean {
    if (!this.watch) return true;
    const kind = this.watch.kind(text, stream);
    if (kind === 'progress') {
      this.#progress = true;
      this.#clear();
    }
    if (kind !== 'waiting') return true;
    this.#waiting = true;
    this.#check();
    return false;
  }

  #check(): void {
    if (this.#ended || !this.#expired || this.#progress) return;
    if (this.#waiting || this.watch?.silenceIsWaiting === true) this.onStuck();
  }
}
