/**
 * Small pure helpers for GitHub-flavoured markdown: escaping untrusted text, formatting figures, fencing code
 * and cutting text to a size. Shared by the PR comment, check run, job summary and escalation renderers.
 */

/** Text from WP files, agent output and error messages is untrusted: it must not break a table or ping anyone. */
export function escapeInline(text: string, maxLength = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return clip(oneLine, maxLength)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, '\\`')
    .replace(/\[/g, '\\[')
    .replace(/]/g, '\\]')
    .replace(/\*/g, '\\*')
    .replace(/_/g, '\\_')
    .replace(/~/g, '\\~')
    .replace(/@(?=[A-Za-z0-9-])/g, '@\u200b'); // a zero-width space stops @mentions notifying people
}

/** Text cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `12s`, `4m 05s`, `2h 03m`; an em dash when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `$1.23`; an em dash when no agent reported a cost. */
export function formatCost(usd: number): string {
  if (!(usd > 0)) return '—';
  return usd < 0.01 ? '&lt;$0.01' : `$${usd.toFixed(2)}`;
}

/** `950`, `12.3k`, `4.5M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A fenced code block that no backtick run inside the content can close early. */
export function codeBlock(content: string, language = 'text'): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content.replace(/\n+$/, '')}\n${fence}`;
}

/**
 * The largest number of items (0..total) whose rendering fits `limit`, by binary search: `render(k)` must grow
 * with k. Sizes are measured with `measure` (characters by default). When even zero items do not fit, the text
 * is cut hard to `hardLimit` characters with `note` appended.
 */
export function fitItems(
  render: (count: number) => string,
  total: number,
  limit: number,
  note: string,
  measure: (text: string) => number = (text) => text.length,
  hardLimit = limit,
): string {
  const all = render(total);
  if (measure(all) <= limit) return all;
  let lo = 0;
  let hi = total - 1;
  let best: string | null = null;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const text = render(mid);
    if (measure(text) <= limit) {
      best = text;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best ?? cutHard(render(0), hardLimit, note);
}

/** `text` cut so that it plus `note` fits `limit` characters. */
export function cutHard(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const suffix = `\n\n${note}`;
  return clip(text, Math.max(0, limit - suffix.length)) + suffix;
}

/** The last `lines` lines of `text`, each cut to a sane width. */
export function tailLines(text: string, lines: number, width = 400): string {
  const all = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return all
    .slice(-lines)
    .map((line) => clip(line, width))
    .join('\n');
}
