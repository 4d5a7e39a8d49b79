import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OrchestrationEvent } from '../../src/state/types.js';

/** Our own event log of a feature, as far as it is written (a torn last line is skipped). */
export async function ourEvents(dir: string, slug: string): Promise<OrchestrationEvent[]> {
  const file = path.join(dir, '.kittify', 'orchestration', slug, 'events.jsonl');
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as OrchestrationEvent];
      } catch {
        return [];
      }
    });
}

/** Polls `check` until it holds (an event to wait for, not a time). */
export async function waitFor(check: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
