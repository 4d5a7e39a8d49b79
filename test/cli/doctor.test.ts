import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_AGENT_IDS } from '../../src/agents/registry.js';
import type { DoctorView } from '../../src/cli/doctor-report.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO as capture } from '../helpers/cli-io.js';
import { installFakeAgents } from '../fake-agents/index.js';
import type { FakeAgentName, FakeScenario } from '../fake-agents/index.js';

let root: string;

async function doctor(args: string[], env: NodeJS.ProcessEnv, cwd = root) {
  const io = capture(cwd, env);
  const code = await runCli(['doctor', ...args], io);
  return { code, io, view: args.includes('--json') ? (JSON.parse(io.out()) as DoctorView) : null };
}

const agent = (view: DoctorView | null, id: string) => view!.agents.find((a) => a.id === id)!;

/** An environment where no agent CLI can be found: PATH is one empty directory. */
async function bareEnv(): Promise<NodeJS.ProcessEnv> {
  const empty = path.join(root, 'empty-path');
  await mkdir(empty, { recursive: true });
  return { PATH: empty, HOME: process.env.HOME };
}

async function fakes(name: string, scenario: FakeScenario, agents?: FakeAgentName[]) {
  const kit = await installFakeAgents(path.join(root, name), scenario, agents ? { agents } : {});
  return kit.env({ PATH: process.env.PATH, HOME: process.env.HOME });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-doctor-test-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('doctor', () => {
  it('--json lists every known agent in registry order, with the argv of both roles', async () => {
    const { code, view } = await doctor(['--json'], await bareEnv());
    expect(code).toBe(0);
    expect(view!.agents.map((a) => a.id)).toEqual([...KNOWN_AGENT_IDS]);
    expect(view!.agents).toHaveLength(12);
    for (const entry of view!.agents) {
      for (const role of ['implementation', 'review'] as const) {
        expect(entry.roles[role].argv.length, `${entry.id} ${role}`).toBeGreaterThan(0);
        expect(entry.roles[role].prompt_delivery).not.toBeNull();
      }
    }
    expect(agent(view, 'claude-code')).toMatchObject({ installed: false, path: null, version: null });
    expect(agent(view, 'claude-code').roles.implementation).toEqual({
      argv: ['claude', '-p', '--output-format', 'json', '--dangerously-skip-permissions'],
      env: { IS_SANDBOX: '1' },
      prompt_delivery: 'stdin',
    });
    expect(agent(view, 'opencode').roles.implementation.argv.at(-1)).toBe('<prompt>');
    expect(agent(view, 'sim')).toMatchObject({ installed: false, built_in: true });
  });

  it('detects the fake CLIs on PATH with their versions', async () => {
    const env = await fakes('all-fakes', {});
    const { view } = await doctor(['--json'], env);
    expect(view!.agents.every((a) => a.installed !== a.built_in)).toBe(true);
    expect(agent(view, 'claude-code')).toMatchObject({
      path: path.join(root, 'all-fakes', 'claude'),
      version: '2.1.331',
    });
    expect(agent(view, 'codex').version).toBe('0.169.0');
    expect(agent(view, 'cursor').path).toBe(path.join(root, 'all-fakes', 'cursor-agent'));
  });

  it('--probe reports usable, auth failed, offline and timed out for both roles, and exits 1', async () => {
    const scenario: FakeScenario = {
      claude: ['auto'],
      gemini: ['auth'],
      codex: ['partial_then_hang'],
      copilot: ['partial_then_hang'],
    };
    const env = await fakes('probe-fakes', scenario, ['claude', 'gemini', 'codex', 'copilot']);
    const { code, view } = await doctor(['--json', '--probe', '--probe-timeout', '2'], env);
    expect(code).toBe(1);
    expect(agent(view, 'claude-code').probe?.status).toBe('usable');
    expect(agent(view, 'gemini').probe?.status).toBe('auth_failed');
    // codex printed thread.started and then nothing: it never got to work (offline); copilot was working.
    expect(agent(view, 'codex').probe?.status).toBe('offline');
    expect(agent(view, 'copilot').probe?.status).toBe('timed_out');
    for (const role of ['implementation', 'review'] as const) {
      expect(agent(view, 'claude-code').roles[role].probe?.status, role).toBe('usable');
      expect(agent(view, 'gemini').roles[role].probe?.status, role).toBe('auth_failed');
    }
    expect(agent(view, 'sim').probe?.status).toBe('usable');
    expect(agent(view, 'qwen')).toMatchObject({ installed: false });
    expect(agent(view, 'qwen').probe).toBeUndefined();
  });

  it('--probe reports an offline codex as offline for both roles, keeping its own reconnect notice', async () => {
    const env = await fakes('offline-fakes', { codex: ['offline'] }, ['codex']);
    const { code, view } = await doctor(['--json', '--probe', '--probe-timeout', '3'], {
      ...env,
      FAKE_AGENT_RECONNECT_MS: '100',
    });
    expect(code).toBe(1);
    for (const role of ['implementation', 'review'] as const) {
      expect(agent(view, 'codex').roles[role].probe).toEqual({
        status: 'offline',
        detail: expect.stringContaining('Reconnecting... waiting for network (Connection failed'),
      });
    }
  });

  it('uses the repo config (command, extra_args, options); a flag the CLI rejects shows as flags rejected', async () => {
    const repo = path.join(root, 'configured');
    await mkdir(path.join(repo, '.kittify'), { recursive: true });
    const yaml = [
      'agents:',
      '  claude-code:',
      '    extra_args: ["--no-such-flag"]',
      '  sim:',
      '    options: { duration_ms: 0 }',
      '',
    ].join('\n');
    await writeFile(path.join(repo, '.kittify', 'agents.yaml'), yaml);
    const env = await fakes('config-fakes', { claude: ['success'] }, ['claude']);
    const { view } = await doctor(['--json', '--probe', '--probe-timeout', '5', '--repo', repo], env);
    expect(agent(view, 'claude-code').roles.implementation.argv.at(-1)).toBe('--no-such-flag');
    expect(agent(view, 'sim').roles.review.argv).toContain('{"duration_ms":0}');
    expect(agent(view, 'claude-code').probe).toMatchObject({ status: 'flags_rejected' });
    expect(agent(view, 'claude-code').probe?.detail).toContain("unknown option '--no-such-flag'");
  });

  it('warns about a broken config and still reports, in text', async () => {
    const repo = path.join(root, 'broken');
    await mkdir(path.join(repo, '.kittify'), { recursive: true });
    await writeFile(
      path.join(repo, '.kittify', 'agents.yaml'),
      'agents:\n  claude-code:\n    priority: 500\n',
    );
    const { code, io } = await doctor(['--repo', repo], await bareEnv());
    expect(code).toBe(0);
    expect(io.err()).toMatch(
      /^warning: \.kittify\/agents\.yaml: .*priority.*; showing each agent's defaults\n$/,
    );
    expect(io.out()).toMatch(/^claude-code +not installed$/m);
    expect(io.out()).toContain('0 of 11 agent CLIs installed.');
    expect(io.out()).toMatch(/^sim +built-in/m);
    // The environment an invocation sets is part of the command: as root, claude needs IS_SANDBOX=1.
    expect(io.out()).toMatch(/^ {2}implementation +IS_SANDBOX=1 claude -p --output-format json/m);
  });
});
