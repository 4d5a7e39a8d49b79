/**
 * Formatting shared by every renderer (terminal, markdown): durations, money, tokens, times, and the text
 * hygiene an agent's output needs before it may be shown anywhere (escape sequences stripped, one line).
 * Pure functions only.
 */
import type { TokenUsage } from '../agents/types.js';

const SECOND = 1000;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration for humans, at most two units: `0s`, `45s`, `3m 04s`, `1h 02m`, `26h 00m`. Null (never started)
 * and invalid values read `-`.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '-';
  // Floor, not round: an elapsed clock that shows 1m 00s at 59.6 s looks like it jumped.
  const totalSeconds = Math.floor(ms / SECOND);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${pad2(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad2(seconds)}s`;
  return `${seconds}s`;
}

const dollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/**
 * Money in US dollars, two decimals with thousands separators: `$0.00`, `$1.23`, `$1,204.50`. A positive
 * amount under a cent reads `<$0.01` so a cheap run never looks free.
 */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd < 0.01) return '<$0.01';
  return dollars.format(usd);
}

/** A token count, compact: `950`, `12.3k`, `4.5M`. */
export function formatTokens(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '0';
  if (count < 1000) return String(Math.round(count));
  // 999,999 rounds to 1000.0k: past that point it reads better as 1M.
  if (count < 999_950) return `${trimZero((count / 1000).toFixed(1))}k`;
  return `${trimZero((count / 1_000_000).toFixed(1))}M`;
}

const trimZero = (text: string): string => text.replace(/\.0$/, '');

/** Input and output tokens together: `12.3k in / 4.5k out`. */
export function formatTokenUsage(tokens: TokenUsage): string {
  return `${formatTokens(tokens.input)} in / ${formatTokens(tokens.output)} out`;
}

/** A share as a whole percentage: `80%`; `-` when there is nothing to divide. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '-';
  return `${Math.round((part / whole) * 100)}%`;
}

/** The local wall-clock time of an ISO timestamp, `HH:MM:SS`; the input itself when it does not parse. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** `1 retry`, `3 retries`: a count with its noun, singular or plural. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

// Escape sequences an agent may print: CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL
// or ST), and the two-byte ESC forms. Left in, they would move the cursor inside our own redraw.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;
// C0/C1 controls (tab and newline are handled before this), and bidi overrides that reorder what follows.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Remove terminal escape sequences (colours, cursor movement, titles). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Make untrusted text (an agent's output, a summary, an error) safe to show on one line: escape sequences
 * and control characters removed, runs of whitespace (newlines included) collapsed to one space. For a
 * line redrawn with carriage returns (a progress bar), only what follows the last `\r` is what a terminal
 * would show, so that is what is kept.
 */
export function oneLine(text: string): string {
  const segments = stripAnsi(text)
    .split(/\r(?!\n)/)
    .filter((part) => part.trim() !== '');
  const visible = segments.at(-1) ?? '';
  return visible.replace(/\s+/g, ' ').replace(CONTROL, '').trim();
}

/** `text` cut to at most `max` characters, ending with `…` when cut. */
export function ellipsize(text: string, max: number): string {
  if (max <= 0) return '';
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * `text` broken at spaces into lines of at most `width` characters, so a terminal never wraps mid-word. A
 * `code span` (a command to copy) is never broken, nor is a word longer than the width.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.match(/`[^`]*`\S*|\S+/g) ?? []) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** Fields agent CLIs put their human-readable text in, in their JSON output (claude, codex, gemini, ...). */
const TEXT_FIELDS = ['result', 'text', 'message', 'summary', 'response', 'content'] as const;

function textOf(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || depth > 3) return null;
  const record = value as Record<string, unknown>;
  for (const field of [...TEXT_FIELDS, 'item', 'error']) {
    const text = textOf(record[field], depth + 1);
    if (text !== null && text.trim() !== '') return text;
  }
  return null;
}

/**
 * What the live view shows of a line an agent printed: the line itself, or for a JSON object (a CLI's result
 * or event) its human text; null for JSON with no text and for the punctuation of pretty-printed JSON, so the
 * previous line stays. The log file keeps every byte either way.
 */
export function agentDisplayLine(line: string): string | null {
  const clean = oneLine(line);
  if (clean === '' || /^[[\]{}(),]+$/.test(clean)) return null;
  if (!clean.startsWith('{')) return clean;
  try {
    const text = textOf(JSON.parse(clean));
    return text === null ? null : oneLine(text) || null;
  } catch {
    return clean;
  }
}
