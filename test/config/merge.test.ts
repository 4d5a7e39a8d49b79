import { describe, expect, it } from 'vitest';
import { KNOWN_AGENT_IDS } from '../../src/agents/registry.js';
import {
  AGENT_PREFERENCE,
  configSchema,
  defaultConfig,
  mergeConfig,
  type RawConfig,
} from '../../src/config/index.js';
import { KittyError } from '../../src/errors.js';

const base = (): RawConfig => ({
  agents: {
    'claude-code': { priority: 90 },
    codex: { priority: 80, roles: ['implementation'] },
    sim: { enabled: false },
  },
  defaults: { review: ['claude-code'] },
  global: { concurrency: 3, timeout_seconds: 600 },
});

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KittyError);
    expect((error as KittyError).kind).toBe('usage');
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('mergeConfig', () => {
  it('returns an equal config for no overrides and never mutates its input', () => {
    const raw = base();
    const before = structuredClone(raw);
    const merged = mergeConfig(raw, { agents: ['sim'], concurrency: 9, timeoutSeconds: 5 });
    expect(raw).toEqual(before);
    expect(merged).not.toBe(raw);
    expect(mergeConfig(raw, {})).toEqual(before);
  });

  it('maps every scalar override onto its key and keeps sibling values', () => {
    const merged = configSchema.parse(
      mergeConfig(base(), {
        concurrency: 7,
        fallbackStrategy: 'same_agent',
        maxRetries: 4,
        maxReviewRounds: 2,
        singleAgentDelaySeconds: 5,
        verifyCommand: ['make', 'check'],
        baseBranch: 'develop',
        timeoutSeconds: 100,
        inactivityTimeoutSeconds: 50,
      }),
    );
    expect(merged.global).toEqual({ concurrency: 7, timeout_seconds: 600 });
    expect(merged.fallback).toMatchObject({ strategy: 'same_agent', max_retries: 4 });
    expect(merged.review.max_rounds).toBe(2);
    expect(merged.single_agent_mode.delay_seconds).toBe(5);
    expect(merged.verify_command).toEqual(['make', 'check']);
    expect(merged.base_branch).toBe('develop');
    for (const agent of Object.values(merged.agents)) {
      expect(agent).toMatchObject({ timeout_seconds: 100, inactivity_timeout_seconds: 50 });
    }
  });

  it('agents: enables exactly the listed agents', () => {
    const merged = configSchema.parse(mergeConfig(base(), { agents: ['sim', 'codex'] }));
    expect(merged.agents.sim?.enabled).toBe(true);
    expect(merged.agents.codex?.enabled).toBe(true);
    expect(merged.agents['claude-code']?.enabled).toBe(false);
  });

  it('agents: adds a registry agent the config lacks, with its default priority', () => {
    const merged = configSchema.parse(mergeConfig(base(), { agents: ['gemini'] }));
    expect(merged.agents.gemini).toMatchObject({ enabled: true, priority: 85 });
  });

  it('agents: names an unknown id', () => {
    expect(usageError(() => mergeConfig(base(), { agents: ['codex', 'gpt-9'] }))).toMatch(
      /^unknown agent "gpt-9" in the agents override; known agents: claude-code, codex, sim, copilot/,
    );
  });

  it('agents: suggests the id meant by a binary name or a typo', () => {
    expect(usageError(() => mergeConfig(base(), { agents: ['claude'] }))).toMatch(
      /^unknown agent "claude" in the agents override \(did you mean "claude-code"\?\); known agents: /,
    );
    expect(usageError(() => mergeConfig(base(), { implAgent: 'codx' }))).toContain('(did you mean "codex"?)');
  });

  it('implAgent and reviewAgent go first in their role list, enabled', () => {
    const merged = configSchema.parse(mergeConfig(base(), { implAgent: 'codex', reviewAgent: 'sim' }));
    expect(merged.defaults.implementation).toEqual(['codex']);
    expect(merged.defaults.review).toEqual(['sim', 'claude-code']);
    expect(merged.agents.sim?.enabled).toBe(true);
  });

  it('does not list an agent twice when it is already a default', () => {
    const merged = mergeConfig(base(), { reviewAgent: 'claude-code' });
    expect(merged.defaults?.review).toEqual(['claude-code']);
  });

  it('rejects a role the agent cannot play, and an agent the agents override leaves out', () => {
    expect(usageError(() => mergeConfig(base(), { reviewAgent: 'codex' }))).toBe(
      'the review agent override names "codex", which lacks the review role in its config',
    );
    expect(usageError(() => mergeConfig(base(), { agents: ['sim'], implAgent: 'codex' }))).toBe(
      'the implementation agent override names "codex", which the agents override leaves out',
    );
    expect(usageError(() => mergeConfig(base(), { implAgent: 'bogus' }))).toMatch(/^unknown agent "bogus"/);
  });

  it('releases a single-agent mode pinned to another agent', () => {
    const single = defaultConfig([{ id: 'claude-code' }]);
    expect(mergeConfig(single, { reviewAgent: 'claude-code' }).single_agent_mode).toMatchObject({
      enabled: true,
      agent: 'claude-code',
    });
    expect(mergeConfig(single, { implAgent: 'codex' }).single_agent_mode).toMatchObject({
      enabled: false,
      agent: null,
    });
  });
});

describe('defaultConfig', () => {
  it('knows exactly the agents the registry can run, in the same order', () => {
    expect([...AGENT_PREFERENCE]).toEqual([...KNOWN_AGENT_IDS]);
  });

  it('ranks agents by the fixed preference list and dedupes', () => {
    const raw = configSchema.parse(
      defaultConfig([{ id: 'sim' }, { id: 'codex' }, { id: 'claude-code' }, { id: 'codex' }]),
    );
    const byPriority = Object.entries(raw.agents)
      .sort(([, a], [, b]) => b.priority - a.priority)
      .map(([id]) => id);
    expect(byPriority).toEqual(['claude-code', 'codex', 'sim']);
    expect(raw.single_agent_mode.enabled).toBe(false);
  });

  it('ranks an unknown id below every known one', () => {
    const raw = configSchema.parse(defaultConfig([{ id: 'newcomer' }, { id: 'sim' }]));
    expect(raw.agents.newcomer!.priority).toBeLessThan(raw.agents.sim!.priority);
  });
});
