import type { LogMark } from './snapshot.js';

/**
 * The log positions of the events this process appended, kept until a snapshot at or past them is written, so
 * each snapshot can carry its mark. One entry per event; a snapshot drops the ones before it.
 */
export interface MarkBook {
  /** Events `firstSeq…` were appended as lines of these byte lengths, the last ending at byte `end`. */
  appended(firstSeq: number, lineBytes: readonly number[], end: number): void;
  /** The mark of event `seq`, if this process appended it; forgets every earlier one. */
  take(seq: number): LogMark | undefined;
}

export function createMarkBook(): MarkBook {
  let marks: LogMark[] = [];
  return {
    appended(firstSeq, lineBytes, end) {
      let offset = end - lineBytes.reduce((sum, n) => sum + n, 0);
      lineBytes.forEach((bytes, i) => {
        offset += bytes;
        marks.push({ seq: firstSeq + i, offset });
      });
    },
    take(seq) {
      const from = marks.findIndex((m) => m.seq >= seq);
      marks = from < 0 ? [] : marks.slice(from);
      return marks[0]?.seq === seq ? marks[0] : undefined;
    },
  };
}
