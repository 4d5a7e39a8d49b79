import { createFileStore } from '../../src/state/file-store.js';
import type { OrchestrationEvent } from '../../src/state/types.js';

/** Our own event log of a feature, as far as it is written. */
export function ourEvents(dir: string, slug: string): Promise<OrchestrationEvent[]> {
  return createFileStore({ repoDir: dir, feature: slug }).load();
}

/** Polls `check` until it holds (an event to wait for, not a time). */
export async function waitFor(check: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
