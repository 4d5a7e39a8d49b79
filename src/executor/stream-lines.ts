import type { Readable } from 'node:stream';

/**
 * Calls `onLine` with each whole line `stream` carries (without its newline), as UTF-8 text: the reader side of
 * the line protocols of our long-lived helpers (git batch processes, the spawn helper, the spec-kitty helper).
 * A last line without a newline is not a line yet: those protocols always end an answer with one.
 */
export function onLines(stream: Readable | null, onLine: (line: string) => void): void {
  let partial = '';
  stream?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}
