import { describe, expect, it } from 'vitest';
import { configSchema, type Config, type RawConfig } from '../../src/config/index.js';
import {
  canEverServe,
  selectAgent,
  type AgentHealth,
  type SelectAgentInput,
} from '../../src/scheduler/index.js';

const now = new Date('2026-01-01T12:00:00Z');

const config = (raw: RawConfig): Config => configSchema.parse(raw);

const threeAgents = config({
  agents: {
    'claude-code': { priority: 90, max_concurrent: 2 },
    codex: { priority: 80 },
    gemini: { priority: 95, roles: ['review'] },
    sim: { enabled: false },
  },
  defaults: { implementation: ['codex'] },
  single_agent_mode: { delay_seconds: 30 },
});

const healthy = (over: Partial<AgentHealth> = {}): AgentHealth => ({
  consecutiveFailures: 0,
  lastSuccess: null,
  cooldownUntil: null,
  disabled: false,
  ...over,
});

function pick(over: Partial<SelectAgentInput>): string | null {
  const choice = selectAgent({
    role: 'implementation',
    config: threeAgents,
    health: new Map(),
    runningByAgent: new Map(),
    now,
    ...over,
  });
  return choice?.agent ?? null;
}

describe('selectAgent', () => {
  it('takes defaults in their listed order first, then the highest priority', () => {
    expect(pick({})).toBe('codex');
    expect(pick({ role: 'review' })).toBe('gemini');
    expect(pick({ runningByAgent: new Map([['codex', 1]]) })).toBe('claude-code');
  });

  it('skips disabled, excluded, cooling and full agents', () => {
    const cooling = healthy({ cooldownUntil: '2026-01-01T12:05:00Z' });
    expect(pick({ health: new Map([['codex', cooling]]) })).toBe('claude-code');
    expect(pick({ health: new Map([['codex', healthy({ cooldownUntil: '2026-01-01T11:00:00Z' })]]) })).toBe(
      'codex',
    );
    expect(pick({ health: new Map([['codex', healthy({ disabled: true })]]) })).toBe('claude-code');
    expect(pick({ exclude: ['codex'] })).toBe('claude-code');
    expect(
      pick({
        runningByAgent: new Map([
          ['codex', 1],
          ['claude-code', 1],
        ]),
      }),
    ).toBe('claude-code');
    expect(
      pick({
        runningByAgent: new Map([
          ['codex', 1],
          ['claude-code', 2],
        ]),
      }),
    ).toBeNull();
    expect(pick({ role: 'review', exclude: ['gemini', 'claude-code', 'codex'] })).toBeNull();
  });

  it('gives a review to another agent than the implementer, waiting rather than self-reviewing', () => {
    expect(pick({ role: 'review', implementer: 'gemini' })).toBe('claude-code');
    const busy = new Map([
      ['gemini', 1],
      ['claude-code', 2],
      ['codex', 1],
    ]);
    expect(pick({ role: 'review', implementer: 'codex', runningByAgent: busy })).toBeNull();
    const cooling = new Map([['gemini', healthy({ cooldownUntil: '2026-01-02T00:00:00Z' })]]);
    expect(pick({ role: 'review', implementer: 'claude-code', health: cooling })).toBe('codex');
  });

  it('lets the implementer review itself after the delay only when nobody else ever could', () => {
    const alone = { role: 'review' as const, implementer: 'codex', exclude: ['gemini', 'claude-code'] };
    expect(
      selectAgent({ config: threeAgents, health: new Map(), runningByAgent: new Map(), now, ...alone }),
    ).toEqual({
      agent: 'codex',
      singleAgentDelayMs: 30_000,
    });
    expect(pick({ ...alone, runningByAgent: new Map([['codex', 1]]) })).toBeNull();
    expect(pick({ ...alone, exclude: ['gemini', 'claude-code', 'codex'] })).toBeNull();
  });

  it('uses only the pinned agent in single-agent mode', () => {
    const single = config({
      agents: { codex: {}, 'claude-code': { priority: 99 } },
      single_agent_mode: { enabled: true, agent: 'codex', delay_seconds: 5 },
    });
    const base = { config: single, health: new Map(), runningByAgent: new Map(), now };
    expect(selectAgent({ ...base, role: 'implementation' })?.agent).toBe('codex');
    expect(selectAgent({ ...base, role: 'review', implementer: 'codex' })).toEqual({
      agent: 'codex',
      singleAgentDelayMs: 5000,
    });
  });
});

describe('canEverServe', () => {
  it('tells waiting from impossible', () => {
    const busy = new Map([['gemini', healthy({ cooldownUntil: '2027-01-01T00:00:00Z' })]]);
    expect(canEverServe('review', threeAgents, busy)).toBe(true);
    const gone = new Map(['gemini', 'claude-code', 'codex'].map((id) => [id, healthy({ disabled: true })]));
    expect(canEverServe('review', threeAgents, gone)).toBe(false);
    expect(canEverServe('implementation', threeAgents, new Map(), ['codex', 'claude-code'])).toBe(false);
  });
});
