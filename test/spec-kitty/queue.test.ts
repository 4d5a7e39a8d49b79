import { describe, expect, it } from 'vitest';
import type { SpecKittyView } from '../../src/host/spec-kitty-log.js';
import { createSyncQueue } from '../../src/host/spec-kitty-queue.js';

/** The order spec-kitty hears of the run (no spec-kitty needed: each call records its name). */
function recorder(gating: string[] = []) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const view: SpecKittyView = { lanes: new Map(), sentTags: new Set() };
  const queue = createSyncQueue({
    view: () => Promise.resolve(view),
    logger: { info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) },
    gating: new Set(gating),
  });
  const call = (name: string) => () => {
    calls.push(name);
    return Promise.resolve();
  };
  return { queue, calls, warnings, call };
}

describe('the order of spec-kitty calls', () => {
  it('a claim waits for its dependencies` moves, then goes ahead of every other pending call', async () => {
    const { queue, calls, call } = recorder(['WP01']);
    queue.move('WP05', 'x', call('WP05 for_review'));
    queue.note('x', call('note WP05'));
    queue.move('WP05', 'x', call('WP05 in_review'));
    queue.move('WP01', 'x', call('WP01 done'));
    const claimed = queue.claim('WP02', ['WP01'], () => {
      calls.push('WP02 claim');
      return Promise.resolve('workspace');
    });
    await expect(claimed).resolves.toBe('workspace');
    await queue.flush();
    // WP05's first move had already started; WP01 gates WP02, so its move and then WP02's claim come next.
    expect(calls).toEqual(['WP05 for_review', 'WP01 done', 'WP02 claim', 'WP05 in_review', 'note WP05']);
  });

  it('a WP`s own moves keep their order, and a failed move is a warning, not a stop', async () => {
    const { queue, calls, warnings, call } = recorder();
    queue.move('WP01', 'WP01 for_review', () => Promise.reject(new Error('refused')));
    queue.move('WP01', 'x', call('WP01 in_review'));
    queue.move('WP01', 'x', call('WP01 done'));
    await queue.flush();
    expect(calls).toEqual(['WP01 in_review', 'WP01 done']);
    expect(warnings).toEqual(['spec-kitty did not take WP01 for_review: refused']);
  });

  it('a failed claim rejects for the agent that waits for it', async () => {
    const { queue } = recorder();
    await expect(queue.claim('WP01', [], () => Promise.reject(new Error('held')))).rejects.toThrow('held');
  });
});
