import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  VERDICT_INSTRUCTIONS_HEADING,
  VERDICT_JSON_SCHEMA,
  extractVerdict,
  parseVerdictValue,
  reviewInstructions,
} from '../../src/agents/review.js';

const approved = { verdict: 'approved', summary: 'fine', findings: [] };
const changes = {
  verdict: 'changes_requested',
  summary: 'two problems',
  findings: [
    { location: 'src/a.ts:3', message: 'off by one' },
    { location: null, message: 'no tests' },
  ],
};

describe('extractVerdict', () => {
  it('reads a whole-text JSON answer', () => {
    expect(extractVerdict(JSON.stringify(approved))).toEqual(approved);
  });

  it('reads a fenced json block and normalises null locations away', () => {
    const verdict = extractVerdict(
      `Review done.\n\n\`\`\`json\n${JSON.stringify(changes, null, 2)}\n\`\`\`\n`,
    );
    expect(verdict?.verdict).toBe('changes_requested');
    expect(verdict?.findings).toEqual([
      { location: 'src/a.ts:3', message: 'off by one' },
      { message: 'no tests' },
    ]);
  });

  it('takes the last valid fenced block', () => {
    const text = [
      'First I thought:',
      '```json',
      JSON.stringify(approved),
      '```',
      'but then found a bug:',
      '```json',
      JSON.stringify(changes),
      '```',
      'And an example of bad JSON:',
      '```json',
      '{"verdict": "maybe"}',
      '```',
    ].join('\n');
    expect(extractVerdict(text)?.verdict).toBe('changes_requested');
  });

  it('reads a bare object ending the text', () => {
    expect(extractVerdict(`My verdict follows.\n${JSON.stringify(changes)}`)?.summary).toBe('two problems');
  });

  it('accepts a verdict nested under a "verdict" key and case-insensitive verdict words', () => {
    expect(parseVerdictValue({ verdict: { ...approved, verdict: 'APPROVED' } })?.verdict).toBe('approved');
  });

  it('rejects prose, invalid verdict words and missing summaries', () => {
    expect(extractVerdict('LGTM, approved!')).toBeNull();
    expect(extractVerdict('')).toBeNull();
    expect(extractVerdict('```json\n{"verdict": "approve", "summary": "x", "findings": []}\n```')).toBeNull();
    expect(extractVerdict('{"verdict": "approved", "findings": []}')).toBeNull();
    expect(
      extractVerdict('{"verdict": "approved", "summary": "x", "findings": [{"location": "a"}]}'),
    ).toBeNull();
  });

  it('never throws and never invents an approval from arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const verdict = extractVerdict(text);
        return verdict === null || text.includes('approved') || text.includes('changes_requested');
      }),
    );
  });
});

describe('review instructions and schema', () => {
  it('instructions carry the heading and an example that parses as a valid shape once filled in', () => {
    const text = reviewInstructions();
    expect(text.startsWith(VERDICT_INSTRUCTIONS_HEADING)).toBe(true);
    expect(text).toContain('```json');
    expect(text).toContain('changes_requested');
  });

  it('the JSON Schema is strict-mode shaped: closed objects, every property required', () => {
    const check = (node: Record<string, unknown>): void => {
      if (node['type'] === 'object') {
        expect(node['additionalProperties']).toBe(false);
        expect(node['required']).toEqual(Object.keys(node['properties'] as object));
        for (const child of Object.values(node['properties'] as Record<string, Record<string, unknown>>))
          check(child);
      }
      if (node['items']) check(node['items'] as Record<string, unknown>);
    };
    check(VERDICT_JSON_SCHEMA);
    expect(parseVerdictValue(changes)).not.toBeNull();
  });
});
