import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { errorMessageOf, lastJsonRecord, parseJsonDocument, parseJsonLines } from '../../src/agents/json.js';

describe('JSON readers', () => {
  it('parseJsonDocument reads a document after a banner, or nothing', () => {
    expect(parseJsonDocument('YOLO mode is enabled.\n{\n  "a": 1\n}\n')).toEqual({ a: 1 });
    expect(parseJsonDocument('[1, 2]')).toEqual([1, 2]);
    expect(parseJsonDocument('no json here\n')).toBeUndefined();
    expect(parseJsonDocument('')).toBeUndefined();
  });

  it('parseJsonLines keeps object lines only; lastJsonRecord falls back to the last line', () => {
    const stream = 'starting\n{"type":"a"}\nnot json {\n{"type":"b"}\n[1]\n';
    expect(parseJsonLines(stream)).toEqual([{ type: 'a' }, { type: 'b' }]);
    expect(lastJsonRecord(stream)).toEqual({ type: 'b' });
    expect(lastJsonRecord('{"whole": true}')).toEqual({ whole: true });
  });

  it('errorMessageOf reads the error shapes CLIs print', () => {
    expect(errorMessageOf('boom')).toBe('boom');
    expect(errorMessageOf({ message: 'm' })).toBe('m');
    expect(errorMessageOf({ name: 'APIError', data: { message: 'rate limited' } })).toBe('rate limited');
    expect(errorMessageOf({ error: { message: 'nested' } })).toBe('nested');
    expect(errorMessageOf({ name: 'UnknownError' })).toBe('UnknownError');
    expect(errorMessageOf(null)).toBeUndefined();
  });

  it('never throws on arbitrary output', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseJsonDocument(text);
        parseJsonLines(text);
        lastJsonRecord(text);
        return true;
      }),
    );
  });
});
