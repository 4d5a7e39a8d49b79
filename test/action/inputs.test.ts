import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheScope, forkRefusal, readRunContext } from '../../src/action/context.js';
import { agentEnv } from '../../src/action/env.js';
import { INPUT_NAMES, parseInputs } from '../../src/action/inputs.js';

/** Every input as the runner passes it when the workflow sets none: '' (or the action.yml default). */
const defaults = (): Record<string, string> => ({
  ...Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])),
  feature: '001-shop',
  'working-directory': '.',
  'github-token': 'ghs_x',
  reports: 'comment, check-run, summary, escalation',
  'report-interval-seconds': '20',
  'push-branches': 'true',
  'state-key-prefix': 'kitty-orchestrator',
  'allow-fork-prs': 'false',
});

describe('parseInputs', () => {
  it('turns the defaults into settings with no overrides', () => {
    const settings = parseInputs(defaults(), '/work/ws');
    expect(settings).toMatchObject({
      feature: '001-shop',
      repoDir: '/work/ws',
      overrides: {},
      githubToken: 'ghs_x',
      reportIntervalSeconds: 20,
      pushBranches: true,
      stateKeyPrefix: 'kitty-orchestrator',
      allowForkPrs: false,
      warnings: [],
    });
    expect([...settings.reports]).toEqual(['comment', 'check-run', 'summary', 'escalation']);
  });

  it('reads the spending limits; a limit that is not a positive number names the input', () => {
    const raw = { ...defaults(), 'max-usd': '2.50', 'max-usd-per-wp': '1', 'max-tokens': '200000' };
    expect(parseInputs(raw, '/w').overrides).toMatchObject({
      maxUsd: 2.5,
      maxUsdPerWp: 1,
      maxTokens: 200000,
    });
    expect(() => parseInputs({ ...defaults(), 'max-usd': '$5' }, '/w')).toThrow(
      'input "max-usd" must be a number above 0, such as 5 or 2.50 (got "$5")',
    );
    expect(() => parseInputs({ ...defaults(), 'max-usd': '0' }, '/w')).toThrow(
      'input "max-usd" must be above 0',
    );
  });

  it('raises a report interval under 5 s to 5 s, with a warning naming the input', () => {
    const settings = parseInputs({ ...defaults(), 'report-interval-seconds': '0' }, '/work/ws');
    expect(settings.reportIntervalSeconds).toBe(5);
    expect(settings.warnings).toEqual([
      'input "report-interval-seconds" is 0, below the floor of 5: using 5 (GitHub allows about 500 content writes an hour)',
    ]);
    expect(parseInputs({ ...defaults(), 'report-interval-seconds': '5' }, '/').warnings).toEqual([]);
  });

  it('maps every engine input to its override, coercing numbers, lists and commands', () => {
    const settings = parseInputs(
      {
        ...defaults(),
        'working-directory': 'app',
        agents: 'claude-code,\ncodex',
        'implementation-agent': 'codex',
        'review-agent': 'claude-code',
        concurrency: ' 3 ',
        'timeout-seconds': '600',
        'inactivity-timeout-seconds': '120',
        'fallback-strategy': 'same_agent',
        'max-retries': '0',
        'max-review-rounds': '2',
        'verify-command': '["npm", "run", "test -- --run"]',
        'single-agent-delay-seconds': '0',
        'base-branch': 'develop',
        reports: 'none',
        'push-branches': 'False',
        'allow-fork-prs': 'TRUE',
      },
      '/work/ws',
    );
    expect(settings.repoDir).toBe('/work/ws/app');
    expect(settings.overrides).toEqual({
      agents: ['claude-code', 'codex'],
      implAgent: 'codex',
      reviewAgent: 'claude-code',
      concurrency: 3,
      timeoutSeconds: 600,
      inactivityTimeoutSeconds: 120,
      fallbackStrategy: 'same_agent',
      maxRetries: 0,
      maxReviewRounds: 2,
      verifyCommand: ['npm', 'run', 'test -- --run'],
      singleAgentDelaySeconds: 0,
      baseBranch: 'develop',
    });
    expect(settings.reports.size).toBe(0);
    expect(settings.pushBranches).toBe(false);
    expect(settings.allowForkPrs).toBe(true);
    expect(
      parseInputs({ ...defaults(), 'verify-command': 'npm  test' }, '/').overrides.verifyCommand,
    ).toEqual(['npm', 'test']);
  });

  it.each([
    [{ feature: '' }, 'input "feature" is required: a feature slug under kitty-specs/ or its directory'],
    [{ concurrency: '0' }, 'input "concurrency" must be at least 1 (got "0")'],
    [{ concurrency: '2.5' }, 'input "concurrency" must be a whole number from 1 to 100 (got "2.5")'],
    [{ 'max-retries': '11' }, 'input "max-retries" must be at most 10 (got "11")'],
    [{ 'push-branches': 'yes' }, 'input "push-branches" must be true or false (got "yes")'],
    [
      { reports: 'comment, tweet' },
      'input "reports" names an unknown report "tweet" (known: comment, check-run, summary, escalation, all, none) (got "comment, tweet")',
    ],
    [
      { 'verify-command': '["npm", 3]' },
      `input "verify-command" must be a JSON array of non-empty strings, or words separated by spaces (got "["npm", 3]")`,
    ],
    [
      { 'state-key-prefix': 'a,b' },
      'input "state-key-prefix" may hold only letters, digits, ".", "_" and "-" (at most 100) (got "a,b")',
    ],
    [{ agents: ' , ' }, 'input "agents" names no agent (got " , ")'],
    [{ token: 'x' }, 'input "token" does not exist: did you mean "github-token"?'],
  ])('rejects %j with a message naming the input', (bad, message) => {
    expect(() => parseInputs({ ...defaults(), ...bad }, '/')).toThrow(message);
  });
});

describe('readRunContext and the fork policy', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function contextFor(eventName: string, payload: object, extra: NodeJS.ProcessEnv = {}) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-ctx-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(payload));
    return readRunContext({
      GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
      GITHUB_EVENT_NAME: eventName,
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_SHA: 'merge-sha',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_RUN_ID: '11',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: 'https://ghes.example.com',
      GITHUB_API_URL: 'https://ghes.example.com/api/v3',
      GITHUB_WORKSPACE: '/ws',
      ...extra,
    });
  }
  const pr = (head: string | null) => ({
    pull_request: {
      number: 7,
      head: { sha: 'head-sha', repo: head === null ? null : { full_name: head } },
      base: { repo: { full_name: 'octo/shop' } },
    },
  });

  it('reads the PR, its head commit and the GHES URLs', async () => {
    const context = await contextFor('pull_request', pr('octo/shop'));
    expect(context).toMatchObject({
      repository: { owner: 'octo', repo: 'shop' },
      pullNumber: 7,
      headSha: 'head-sha',
      apiUrl: 'https://ghes.example.com/api/v3',
      runUrl: 'https://ghes.example.com/octo/shop/actions/runs/11/attempts/2',
    });
    expect(cacheScope(context)).toBe('pr-7');
    expect(forkRefusal(context, false)).toBeNull();
  });

  it('refuses forks on pull_request and pull_request_target unless allowed', async () => {
    const fork = await contextFor('pull_request', pr('mallory/shop'));
    expect(forkRefusal(fork, false)).toMatch(
      /from mallory\/shop into octo\/shop: fork PRs get a read-only token and no secrets/,
    );
    expect(forkRefusal(fork, true)).toBeNull();
    const target = await contextFor('pull_request_target', pr('mallory/shop'));
    expect(forkRefusal(target, false)).toMatch(
      /runs with the repository\u2019s secrets while the fork controls the prompts/,
    );
    const deleted = await contextFor('pull_request', pr(null));
    expect(forkRefusal(deleted, false)).toMatch(/from a deleted fork/);
  });

  it('scopes state by ref outside PRs and finds the PR of an issue comment', async () => {
    const push = await contextFor('push', {}, { GITHUB_REF: 'refs/heads/feature/x' });
    expect(push.pullNumber).toBeNull();
    expect(push.headSha).toBe('merge-sha');
    expect(cacheScope(push)).toBe('feature_x');
    const comment = await contextFor('issue_comment', { issue: { number: 9, pull_request: { url: 'u' } } });
    expect(comment.pullNumber).toBe(9);
  });
});

describe('agentEnv', () => {
  it('withholds the runner tokens, file commands and inputs, and keeps the rest', () => {
    const env = agentEnv({
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'sk-ant',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      GITHUB_ENV: '/tmp/env',
      GITHUB_OUTPUT: '/tmp/out',
      'INPUT_GITHUB-TOKEN': 'ghs',
      STATE_isPost: 'true',
      GITHUB_REPOSITORY: 'octo/shop',
    });
    expect(env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'sk-ant', GITHUB_REPOSITORY: 'octo/shop' });
  });
});
