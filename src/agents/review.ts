/**
 * The review-verdict contract. A reviewer must answer with this JSON; the orchestrator never reads a verdict from
 * keywords in prose. An answer without a valid verdict is a failed review (`invalid_output`), never an approval.
 */
import { z } from 'zod';
import type { ReviewVerdict } from './types.js';
import { asRecord } from './json.js';

/** Heading of the instructions block; its presence tells that a prompt already carries the instructions. */
export const VERDICT_INSTRUCTIONS_HEADING = '## Review verdict (required)';

const findingSchema = z.object({
  // Strict structured-output modes (Codex) cannot express optional keys, so the CLI schema makes location
  // nullable and required; null and absent both mean "no location".
  location: z
    .string()
    .nullish()
    .transform((value) => (value === null || value === undefined || value.trim() === '' ? undefined : value)),
  message: z.string().trim().min(1, 'a finding needs a message'),
});

/** The verdict as zod validates it: verdict words are case-insensitive, findings default to none. */
export const verdictSchema = z.object({
  verdict: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(['approved', 'changes_requested'])),
  summary: z.string(),
  findings: z.array(findingSchema).default([]),
});

/**
 * The verdict as a JSON Schema for the CLIs' structured-output features (Claude `--json-schema`, Codex
 * `--output-schema`). Written to satisfy OpenAI's strict mode, the stricter of the two: every object closed with
 * `additionalProperties: false` and every property listed in `required`.
 */
export const VERDICT_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'summary', 'findings'],
  properties: {
    verdict: { type: 'string', enum: ['approved', 'changes_requested'] },
    summary: { type: 'string', description: 'One paragraph: what was reviewed and the overall judgement.' },
    findings: {
      type: 'array',
      description: 'One entry per problem that must be fixed; empty when approved.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['location', 'message'],
        properties: {
          location: {
            type: ['string', 'null'],
            description: 'File path, optionally with :line; null if none.',
          },
          message: { type: 'string', description: 'What is wrong and how to fix it.' },
        },
      },
    },
  },
} as const;

/** The text appended to a review prompt telling the agent how to answer. */
export function reviewInstructions(): string {
  return [
    VERDICT_INSTRUCTIONS_HEADING,
    '',
    'When you have finished the review, end your answer with your verdict as JSON in a fenced ```json block,',
    'in exactly this shape:',
    '',
    '```json',
    '{"verdict": "approved" | "changes_requested", "summary": "<one paragraph>", "findings": [{"location": "path/to/file.ts:42", "message": "what is wrong and how to fix it"}]}',
    '```',
    '',
    'Use "approved" only when the work is complete and correct. Otherwise use "changes_requested" with one finding',
    'per problem ("location" may be null). Put nothing after the block: an answer without it counts as a failed review.',
  ].join('\n');
}

/**
 * Validate a parsed JSON value as a verdict. Accepts the verdict object itself or a wrapper whose `verdict` key holds
 * it (the sim agent and some structured outputs nest it). Null when it is not a valid verdict.
 */
export function parseVerdictValue(value: unknown): ReviewVerdict | null {
  const record = asRecord(value);
  if (!record) return null;
  const nested = asRecord(record['verdict']);
  const parsed = verdictSchema.safeParse(nested ?? record);
  return parsed.success ? parsed.data : null;
}

function parseVerdictText(text: string): ReviewVerdict | null {
  try {
    return parseVerdictValue(JSON.parse(text));
  } catch {
    return null;
  }
}

const FENCE = /```[ \t]*(?:json|JSON|jsonc)?[ \t]*\r?\n([\s\S]*?)```/g;

function lastFencedVerdict(text: string): ReviewVerdict | null {
  const bodies = [...text.matchAll(FENCE)].map((match) => match[1] ?? '');
  for (let i = bodies.length - 1; i >= 0; i--) {
    const verdict = parseVerdictText(bodies[i] ?? '');
    if (verdict) return verdict;
  }
  return null;
}

/** Only the tail is searched for a bare object: a verdict is the last thing said, and this bounds the work. */
const BARE_TAIL_CHARS = 20_000;

function trailingBareVerdict(text: string): ReviewVerdict | null {
  const tail = text.trimEnd().slice(-BARE_TAIL_CHARS);
  if (!tail.endsWith('}')) return null;
  // The earliest `{` whose suffix parses is the outermost object that ends the text.
  for (let i = tail.indexOf('{'); i !== -1; i = tail.indexOf('{', i + 1)) {
    const verdict = parseVerdictText(tail.slice(i));
    if (verdict) return verdict;
  }
  return null;
}

/**
 * Find and validate the verdict in an agent's answer: the whole text as JSON, else the last fenced block holding a
 * valid verdict, else a bare JSON object ending the text. Null when there is none.
 */
export function extractVerdict(text: string): ReviewVerdict | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return parseVerdictText(trimmed) ?? lastFencedVerdict(trimmed) ?? trailingBareVerdict(trimmed);
}
