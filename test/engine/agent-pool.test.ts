import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { RawConfig } from '../../src/config/schema.js';
import { AgentPool } from '../../src/engine/agent-pool.js';
import { systemClock } from '../../src/engine/clock.js';

function pool(agents: Record<string, unknown>): AgentPool {
  const config = validateConfig(
    { version: '1.0', agents, single_agent_mode: { delay_seconds: 7 } } as RawConfig,
    {},
    'test',
  );
  return new AgentPool(config, systemClock);
}

const never = new AbortController().signal;

describe('AgentPool', () => {
  it('hands a freed slot to a waiting in-flight job before the scheduler can take it', async () => {
    const agents = pool({ sim: { max_concurrent: 1 } });
    const first = agents.tryAcquire('implementation', []);
    expect(first?.agent).toBe('sim');
    const review = agents.acquire({ role: 'review', exclude: [], implementer: 'sim' }, never);
    await Promise.resolve();
    agents.release('sim');
    // The scheduler asks right after the release: the slot is already the review's.
    expect(agents.tryAcquire('implementation', [])).toBeNull();
    expect(await review).toEqual({ agent: 'sim', singleAgentDelayMs: 7000 });
    expect(agents.runningCount('sim')).toBe(1);
  });

  it('serves waiting jobs first come, first served', async () => {
    const agents = pool({ sim: { max_concurrent: 1 } });
    agents.tryAcquire('implementation', []);
    const order: string[] = [];
    const a = agents.acquire({ role: 'implementation', exclude: [] }, never).then(() => order.push('a'));
    const b = agents.acquire({ role: 'implementation', exclude: [] }, never).then(() => order.push('b'));
    await Promise.resolve();
    agents.release('sim');
    await a;
    agents.release('sim');
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('gives up when no agent can ever serve the job, and on abort without keeping a slot', async () => {
    const agents = pool({ sim: { max_concurrent: 1 } });
    expect(await agents.acquire({ role: 'review', exclude: ['sim'] }, never)).toBeNull();
    agents.tryAcquire('implementation', []);
    const stop = new AbortController();
    const waiting = agents.acquire({ role: 'implementation', exclude: [] }, stop.signal);
    stop.abort();
    expect(await waiting).toBeNull();
    agents.release('sim');
    expect(agents.runningCount('sim')).toBe(0);
  });

  it('knows when an implementer will review its own work', () => {
    expect(pool({ sim: {} }).reviewsOwnWork('sim')).toBe(true);
    const two = pool({ sim: {}, claude: {} });
    expect(two.reviewsOwnWork('sim')).toBe(false);
    two.disable('claude');
    expect(two.reviewsOwnWork('sim')).toBe(true);
  });
});
