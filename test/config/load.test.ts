import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configHash, loadConfig } from '../../src/config/index.js';
import { KittyError } from '../../src/errors.js';

let repo: string;

beforeEach(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'kitty-config-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function writeConfig(text: string): Promise<void> {
  await mkdir(path.join(repo, '.kittify'), { recursive: true });
  await writeFile(path.join(repo, '.kittify', 'agents.yaml'), text);
}

/** The KittyError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<KittyError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KittyError);
  return error as KittyError;
}

describe('loadConfig without a file', () => {
  it('enables every detected agent, ranked by the preference list', async () => {
    const config = await loadConfig({
      repoDir: repo,
      detectedAgents: [{ id: 'gemini' }, { id: 'claude-code' }],
    });
    expect(Object.keys(config.agents).sort()).toEqual(['claude-code', 'gemini']);
    expect(config.agents['claude-code']?.priority).toBeGreaterThan(config.agents.gemini!.priority);
    expect(config.agents.gemini?.roles).toEqual(['implementation', 'review']);
    expect(config.single_agent_mode.enabled).toBe(false);
    expect(config.global.concurrency).toBe(5);
  });

  it('switches single-agent mode on when exactly one agent is detected', async () => {
    const config = await loadConfig({ repoDir: repo, detectedAgents: [{ id: 'codex' }] });
    expect(config.single_agent_mode).toMatchObject({ enabled: true, agent: 'codex' });
  });

  it('fails with an agent error when nothing is detected', async () => {
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(error.kind).toBe('agent');
    expect(error.message).toMatch(
      /^no agents available: .*install one of claude-code, codex.*enable `sim` in \.kittify\/agents\.yaml$/,
    );
  });
});

describe('loadConfig with a file', () => {
  it('reads the file and does not add detected agents it does not mention', async () => {
    await writeConfig('agents:\n  sim:\n    priority: 70\n    options: { script: ok }\n  codex:\n');
    const config = await loadConfig({ repoDir: repo, detectedAgents: [{ id: 'claude-code' }] });
    expect(Object.keys(config.agents).sort()).toEqual(['codex', 'sim']);
    expect(config.agents.sim).toMatchObject({ priority: 70, enabled: true, options: { script: 'ok' } });
    // A bare key means "this agent with every default".
    expect(config.agents.codex).toMatchObject({ priority: 50, max_concurrent: 1 });
  });

  it('supports YAML merge keys for shared agent settings', async () => {
    await writeConfig(
      'agents:\n  sim: &base\n    timeout_seconds: 99\n  codex:\n    <<: *base\n    priority: 60\n',
    );
    const config = await loadConfig({ repoDir: repo, detectedAgents: [] });
    expect(config.agents.codex).toMatchObject({ timeout_seconds: 99, priority: 60 });
  });

  it('reports a YAML syntax error with file and line', async () => {
    await writeConfig('agents:\n  sim:\n    priority: 1\n    roles: [review,\n  codex: {}\n');
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/^\.kittify\/agents\.yaml:\d+: \S/);
    expect(error.message).not.toContain('\n');
  });

  it('reports a duplicate key on its line', async () => {
    await writeConfig('agents:\n  sim: {}\nversion: "1.0"\nversion: "1.0"\n');
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(error.message).toBe('.kittify/agents.yaml:4: Map keys must be unique');
  });

  it('names the file and every key path in one message', async () => {
    await writeConfig('agents:\n  claude-code:\n    priority: 101\n  sim:\n    bogus: 1\n');
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(error.kind).toBe('config');
    expect(error.message).toBe(
      '.kittify/agents.yaml: agents.claude-code.priority: must be at most 100; unknown key "bogus" at agents.sim',
    );
  });

  it('explains wrong types, bad choices and likely typos', async () => {
    await writeConfig(
      [
        'fallback: { strategy: retry }',
        'global: { concurency: 3 }',
        'agents:',
        '  sim: { max_concurrency: 2, enabled: "yes", timeout_seconds: 1.5 }',
        '',
      ].join('\n'),
    );
    const { message } = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(message).toContain('fallback.strategy: must be one of "next_in_list", "same_agent", "fail"');
    expect(message).toContain('unknown key "concurency" at global (did you mean "concurrency"?)');
    expect(message).toContain('unknown key "max_concurrency" at agents.sim (did you mean "max_concurrent"?)');
    expect(message).toContain('agents.sim.enabled: must be true or false (got "yes")');
    expect(message).toContain('agents.sim.timeout_seconds: must be a whole number (got 1.5)');
  });

  it('keeps the schema’s own messages', async () => {
    await writeConfig('defaults: { review: [codex] }\nagents: { sim: {} }\n');
    const { message } = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(message).toBe(
      '.kittify/agents.yaml: defaults.review[0]: agent "codex" is not defined under agents',
    );
  });

  it('rejects a file that is not a mapping', async () => {
    await writeConfig('- sim\n- codex\n');
    const { message } = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(message).toBe('.kittify/agents.yaml: must be a mapping of settings, got a list');
  });

  it('fails with an agent error when every agent is disabled', async () => {
    await writeConfig('agents:\n  sim: { enabled: false }\n');
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [{ id: 'codex' }] }));
    expect(error.kind).toBe('agent');
    expect(error.message).toContain('every agent is disabled (sim)');
  });

  it('fails on an empty file: it defines no agents', async () => {
    await writeConfig('');
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [{ id: 'codex' }] }));
    expect(error.kind).toBe('agent');
  });

  it('rejects single-agent mode pinned to a disabled agent', async () => {
    await writeConfig(
      'agents:\n  sim: {}\n  codex: { enabled: false }\nsingle_agent_mode: { enabled: true, agent: codex }\n',
    );
    const error = await failure(loadConfig({ repoDir: repo, detectedAgents: [] }));
    expect(error.message).toMatch(/single_agent_mode\.agent: "codex" is disabled/);
  });
});

describe('loadConfig with overrides', () => {
  it('applies overrides over the file', async () => {
    await writeConfig('global: { concurrency: 2 }\nagents: { sim: {}, codex: {} }\n');
    const config = await loadConfig({
      repoDir: repo,
      detectedAgents: [],
      overrides: { concurrency: 8, agents: ['sim'], reviewAgent: 'sim', verifyCommand: ['npm', 'test'] },
    });
    expect(config.global.concurrency).toBe(8);
    expect(config.agents.codex?.enabled).toBe(false);
    expect(config.defaults.review).toEqual(['sim']);
    expect(config.verify_command).toEqual(['npm', 'test']);
  });

  it('blames a bad override, not the file', async () => {
    await writeConfig('agents: { sim: {} }\n');
    const error = await failure(
      loadConfig({ repoDir: repo, detectedAgents: [], overrides: { concurrency: 500, timeoutSeconds: 0 } }),
    );
    expect(error.kind).toBe('usage');
    expect(error.message).toBe(
      'override timeoutSeconds: must be greater than 0; override concurrency: must be at most 100',
    );
  });

  it('still blames the file when its agents section is not a mapping', async () => {
    await writeConfig('agents: [sim, codex]\n');
    const error = await failure(
      loadConfig({ repoDir: repo, detectedAgents: [], overrides: { agents: ['sim'] } }),
    );
    expect(error.kind).toBe('config');
    expect(error.message).toBe('.kittify/agents.yaml: agents: must be a mapping (got a list)');
  });

  it('lets an override fix a value the file got wrong', async () => {
    await writeConfig('global: { concurrency: 500 }\nagents: { sim: {} }\n');
    const config = await loadConfig({ repoDir: repo, detectedAgents: [], overrides: { concurrency: 4 } });
    expect(config.global.concurrency).toBe(4);
  });

  it('rejects an unknown agent in the agents override', async () => {
    const error = await failure(
      loadConfig({ repoDir: repo, detectedAgents: [{ id: 'codex' }], overrides: { agents: ['nope'] } }),
    );
    expect(error.kind).toBe('usage');
    expect(error.message).toMatch(
      /^unknown agent "nope" in the agents override; known agents: codex, claude-code/,
    );
  });

  it('enables a registry agent the defaults did not include', async () => {
    const config = await loadConfig({
      repoDir: repo,
      detectedAgents: [{ id: 'claude-code' }],
      overrides: { agents: ['sim'] },
    });
    expect(config.agents.sim?.enabled).toBe(true);
    expect(config.agents['claude-code']?.enabled).toBe(false);
    // Single-agent mode was pinned to claude-code; the explicit choice releases it.
    expect(config.single_agent_mode).toMatchObject({ enabled: false, agent: null });
  });
});

describe('configHash', () => {
  it('is stable under key order and changes with any value', async () => {
    const a = await loadConfig({ repoDir: repo, detectedAgents: [{ id: 'codex' }, { id: 'sim' }] });
    const b = await loadConfig({ repoDir: repo, detectedAgents: [{ id: 'sim' }, { id: 'codex' }] });
    expect(configHash(a)).toMatch(/^[0-9a-f]{12}$/);
    expect(configHash(a)).toBe(configHash(b));
    const c = await loadConfig({
      repoDir: repo,
      detectedAgents: [{ id: 'codex' }, { id: 'sim' }],
      overrides: { maxRetries: 3 },
    });
    expect(configHash(c)).not.toBe(configHash(a));
  });
});
