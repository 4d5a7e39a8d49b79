import { readFile } from 'node:fs/promises';

/** Waits for an event (a file appearing, a process ending) by polling; the deadline is only a safety net. */
export async function until<T>(probe: () => Promise<T | null> | T | null, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A probe for `until`: the pid written in `file`, once it is there. */
export const pidIn = (file: string) => async (): Promise<number | null> => {
  const text = await readFile(file, 'utf8').catch(() => '');
  return /^\d+$/.test(text) ? Number(text) : null;
};
