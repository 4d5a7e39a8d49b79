import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { normaliseLane } from '../feature/lanes.js';
import type { Lane } from '../feature/types.js';

/**
 * What spec-kitty's own log (`kitty-specs/<slug>/status.events.jsonl`) says, read straight from the file: a
 * Python start-up per question would cost seconds, the file costs microseconds. Read-only: spec-kitty writes it.
 */
export interface SpecKittyView {
  /** Each WP's lane and the actor of the change that put it there (the last lane event wins). */
  lanes: Map<string, { lane: Lane; actor: string }>;
  /** The tags (see `syncTag`) of every note and transition reason we sent, so nothing is sent twice. */
  sentTags: Set<string>;
}

/** The stamp our notes and transition reasons carry: `[kitty-orchestrator <run>#<seq>]`. */
export function syncTag(runId: string, seq: number): string {
  return `[kitty-orchestrator ${runId.slice(0, 8)}#${seq}]`;
}

const TAG = /\[kitty-orchestrator [0-9a-f-]{1,8}#\d+\]/g;

export async function readSpecKittyView(featureDir: string): Promise<SpecKittyView> {
  const file = path.join(featureDir, 'status.events.jsonl');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const view: SpecKittyView = { lanes: new Map(), sentTags: new Set() };
  for (const line of text.split('\n')) {
    const record = parseLine(line);
    if (record) noteRecord(view, record);
  }
  return view;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  if (!line.trim().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A torn last line, or a line spec-kitty's own tools would skip too.
    return undefined;
  }
}

function noteRecord(view: SpecKittyView, record: Record<string, unknown>): void {
  const delta = record.delta as Record<string, unknown> | undefined;
  for (const text of [record.reason, delta?.note]) {
    if (typeof text === 'string') for (const tag of text.match(TAG) ?? []) view.sentTags.add(tag);
  }
  if (typeof record.wp_id !== 'string' || typeof record.to_lane !== 'string') return;
  const { lane } = normaliseLane(record.to_lane, 'status.events.jsonl');
  view.lanes.set(record.wp_id, { lane, actor: typeof record.actor === 'string' ? record.actor : '' });
}
