/**
 * When does a rate limit end? Providers say it in many ways: "try again in 20s", "retry in 4 days 3 hours",
 * "resets at 3pm (Europe/London)", "resets Monday at 9am", an ISO time, epoch seconds ("usage limit reached|1732460400"),
 * a `retry-after` header or a Google `retryDelay`. This module turns the first it finds into a Date.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function unitMs(unit: string): number {
  const u = unit.toLowerCase();
  if (u.startsWith('ms') || u.startsWith('milli')) return UNIT_MS['ms'] ?? 1;
  if (u.startsWith('mi') || u === 'm') return UNIT_MS['m'] ?? 60_000;
  return UNIT_MS[u[0] ?? 's'] ?? 1_000;
}

const DURATION_PART =
  /\s*(?:,|and)?\s*(\d+(?:\.\d+)?)\s*(milliseconds?|ms|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])/iy;

/** Sum a duration like "4 days 3 hours 20 minutes", "1m30s" or "20.5s" at the start of `text`. */
function parseDuration(text: string): number | null {
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let matched = false;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += Number(m[1]) * unitMs(m[2] ?? 's');
    matched = true;
  }
  return matched ? total : null;
}

function fromRelative(text: string, now: Date): Date | null {
  const lead = /\b(?:try again|retry|retrying|resets?|available again|wait)\s+(?:in|after)\s+/gi;
  for (let m = lead.exec(text); m; m = lead.exec(text)) {
    const ms = parseDuration(text.slice(m.index + m[0].length, m.index + m[0].length + 80));
    if (ms !== null) return new Date(now.getTime() + ms);
  }
  return null;
}

function fromHeaders(text: string, now: Date): Date | null {
  const seconds =
    /\bretry[-_ ]?after["']?\s*[:=]?\s*"?(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\b(?!\s*(?:ms|min|h))/i.exec(
      text,
    );
  if (seconds) return new Date(now.getTime() + Number(seconds[1]) * 1000);
  const httpDate =
    /\bretry-after:\s*([A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)/i.exec(text);
  if (httpDate) {
    const t = Date.parse(httpDate[1] ?? '');
    if (!Number.isNaN(t)) return new Date(t);
  }
  const delay = /\bretry_?delay["']?\s*[:=]\s*"?(\d+(?:\.\d+)?)s\b/i.exec(text);
  return delay ? new Date(now.getTime() + Number(delay[1]) * 1000) : null;
}

function fromIso(text: string): Date | null {
  const m =
    /\b(?:resets?|until|after|again|retry|available)[^\n]{0,40}?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)/i.exec(
      text,
    );
  if (!m) return null;
  const t = Date.parse((m[1] ?? '').replace(' ', 'T'));
  return Number.isNaN(t) ? null : new Date(t);
}

function fromEpoch(text: string): Date | null {
  const m =
    /(?:limit reached\||\breset(?:s|_at|At|s_at|sAt)?\b|\buntil\b)[^\d\n]{0,20}(\d{10}(?:\d{3})?)\b/i.exec(
      text,
    );
  if (!m) return null;
  const digits = m[1] ?? '';
  return new Date(digits.length === 13 ? Number(digits) : Number(digits) * 1000);
}

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Calendar fields of an instant as seen in a zone (undefined zone: this machine's local time). */
function wallFields(
  instant: number,
  timeZone: string | undefined,
): { y: number; mo: number; d: number; wd: number } {
  if (!timeZone) {
    const date = new Date(instant);
    return { y: date.getFullYear(), mo: date.getMonth(), d: date.getDate(), wd: date.getDay() };
  }
  const shifted = new Date(instant + zoneOffsetMs(instant, timeZone));
  return {
    y: shifted.getUTCFullYear(),
    mo: shifted.getUTCMonth(),
    d: shifted.getUTCDate(),
    wd: shifted.getUTCDay(),
  };
}

/** The instant a wall-clock time on a calendar day has in a zone. */
function instantOf(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  timeZone: string | undefined,
): number {
  if (!timeZone) return new Date(y, mo, d, h, mi).getTime();
  const guess = Date.UTC(y, mo, d, h, mi);
  return guess - zoneOffsetMs(guess - zoneOffsetMs(guess, timeZone), timeZone);
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

function fromWallClock(text: string, now: Date): Date | null {
  const m =
    /\b(?:resets?|try again|available again|retry)\s+(?:at\s+|on\s+)?(?:(sun|mon|tue|wed|thu|fri|sat)[a-z]*\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?![a-z])(?:\s*\(([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)\))?|\b(?:resets?|try again|available again|retry)\s+at\s+(\d{1,2}):(\d{2})(?:\s*\(([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)\))?/i.exec(
      text,
    );
  if (!m) return null;
  const twelveHour = m[2] !== undefined;
  let hour = Number(twelveHour ? m[2] : m[6]);
  const minute = Number((twelveHour ? m[3] : m[7]) ?? 0);
  if (twelveHour) hour = (hour % 12) + (m[4]?.toLowerCase() === 'p' ? 12 : 0);
  if (hour > 23 || minute > 59) return null;
  const zone = validZone(twelveHour ? m[5] : m[8]);
  const weekday = m[1] ? WEEKDAYS.indexOf(m[1].toLowerCase()) : -1;
  for (let dayOffset = 0; dayOffset <= 7; dayOffset++) {
    const day = wallFields(now.getTime() + dayOffset * 86_400_000, zone);
    if (weekday !== -1 && day.wd !== weekday) continue;
    const at = instantOf(day.y, day.mo, day.d, hour, minute, zone);
    if (at > now.getTime()) return new Date(at);
  }
  return null;
}

/**
 * The time a rate limit resets, read from a provider's error text; null when the text names none.
 * `now` anchors relative forms ("in 20s") and wall-clock forms ("at 3pm" is the next 3pm after now).
 */
export function parseResetTime(text: string, now: Date): Date | null {
  return (
    fromHeaders(text, now) ??
    fromRelative(text, now) ??
    fromIso(text) ??
    fromEpoch(text) ??
    fromWallClock(text, now)
  );
}
