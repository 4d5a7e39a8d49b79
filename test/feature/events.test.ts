import { describe, expect, it } from 'vitest';
import { latestLanes, parseLaneEvents } from '../../src/feature/events.js';
import { normaliseLane } from '../../src/feature/lanes.js';

const line = (o: object) => JSON.stringify(o);
const lanesOf = (text: string) =>
  Object.fromEntries(
    [...latestLanes(parseLaneEvents(text, 'status.events.jsonl').events)].map(([k, e]) => [k, e.toLane]),
  );

describe('parseLaneEvents', () => {
  it('keeps only lines with both wp_id and to_lane; the last one wins', () => {
    const text = [
      line({ wp_id: 'WP01', to_lane: 'claimed', at: '2026-01-01T00:00:01Z' }),
      line({ event_type: 'MissionCreated', at: '2026-01-01T00:00:02Z' }),
      line({ wp_id: 'WP01', note: 'annotation without to_lane', at: '2026-01-01T00:00:03Z' }),
      line({ wp_id: 'WP01', to_lane: 'in_progress', at: '2026-01-01T00:00:04Z' }),
      line({ wp_id: 'WP02', to_lane: 'for_review', at: '2026-01-01T00:00:05Z' }),
      line({ to_lane: 'done', at: '2026-01-01T00:00:06Z' }),
      line(['not', 'an', 'object']),
      '',
    ].join('\n');
    const log = parseLaneEvents(text, 'status.events.jsonl');
    expect(log.warnings).toEqual([]);
    expect(log.events.map((e) => [e.wpId, e.toLane, e.line])).toEqual([
      ['WP01', 'claimed', 1],
      ['WP01', 'in_progress', 4],
      ['WP02', 'for_review', 5],
    ]);
    expect(lanesOf(text)).toEqual({ WP01: 'in_progress', WP02: 'for_review' });
  });

  it('tolerates blank lines and a truncated last line without warnings', () => {
    const text = `\n${line({ wp_id: 'WP01', to_lane: 'done' })}\n\n   \n{"wp_id": "WP01", "to_la`;
    const log = parseLaneEvents(text, 'log');
    expect(log.warnings).toEqual([]);
    expect(log.events.map((e) => e.toLane)).toEqual(['done']);
  });

  it('skips a corrupt line in the middle with a warning naming the line', () => {
    const text = `${line({ wp_id: 'WP01', to_lane: 'claimed' })}\n{oops\n${line({ wp_id: 'WP01', to_lane: 'done' })}\n`;
    const log = parseLaneEvents(text, 'kitty-specs/x/status.events.jsonl');
    expect(log.warnings).toEqual([
      'kitty-specs/x/status.events.jsonl:2: ignored a line that is not valid JSON',
    ]);
    expect(log.events.map((e) => e.toLane)).toEqual(['claimed', 'done']);
  });

  it('warns about a corrupt last line when the file ends with a newline (not a torn append)', () => {
    expect(parseLaneEvents('{oops\n', 'log').warnings).toEqual([
      'log:1: ignored a line that is not valid JSON',
    ]);
  });

  it('replays like spec-kitty: duplicate event ids dropped, sorted by time then event id', () => {
    const text = [
      line({ event_id: 'B', wp_id: 'WP01', to_lane: 'done', at: '2026-01-01T00:00:05Z' }),
      line({ event_id: 'A', wp_id: 'WP01', to_lane: 'in_progress', at: '2026-01-01T00:00:01Z' }),
      // A merge can duplicate a line; the copy must not count twice.
      line({ event_id: 'A', wp_id: 'WP01', to_lane: 'blocked', at: '2026-01-01T00:00:09Z' }),
      // Same instant written with an offset: still earlier than B.
      line({ event_id: 'C', wp_id: 'WP01', to_lane: 'for_review', at: '2026-01-01T01:00:03+01:00' }),
    ].join('\n');
    const events = parseLaneEvents(text, 'log').events;
    expect(events.map((e) => e.eventId)).toEqual(['A', 'C', 'B']);
    expect(lanesOf(text)).toEqual({ WP01: 'done' });
  });

  it('keeps file order when events carry no timestamps', () => {
    const text = [line({ wp_id: 'WP01', to_lane: 'done' }), line({ wp_id: 'WP01', to_lane: 'planned' })].join(
      '\n',
    );
    expect(lanesOf(text)).toEqual({ WP01: 'planned' });
  });

  it('lets a review rollback beat a forward move at the same instant', () => {
    const at = '2026-01-01T00:00:05Z';
    const text = [
      line({ event_id: 'A', wp_id: 'WP01', from_lane: 'in_review', to_lane: 'in_progress', at }),
      line({ event_id: 'B', wp_id: 'WP01', from_lane: 'in_review', to_lane: 'approved', at }),
    ].join('\n');
    expect(lanesOf(text)).toEqual({ WP01: 'in_progress' });
  });
});

describe('normaliseLane', () => {
  it.each([
    ['doing', 'in_progress'],
    ['In Progress', 'in_progress'],
    ['for-review', 'for_review'],
    ['DONE', 'done'],
    ['cancelled', 'canceled'],
    ['approved', 'approved'],
  ])('maps %s to %s', (raw, lane) => {
    expect(normaliseLane(raw, 'x')).toEqual({ lane });
  });

  it('maps unknown lanes to planned with a warning', () => {
    expect(normaliseLane('limbo', 'tasks/WP01.md: lane')).toEqual({
      lane: 'planned',
      warning: 'tasks/WP01.md: lane: unknown lane "limbo", treating it as planned',
    });
    expect(normaliseLane(3, 'f').lane).toBe('planned');
  });
});
