import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escalationInput, reviewNotes } from '../../src/action/report-data.js';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { runFeature } from '../../src/run-feature.js';
import { createRunRedactor } from '../../src/git/credentials.js';
import { createRedactor, MIN_SECRET_LENGTH, secretForms } from '../../src/redact.js';
import {
  renderCheckRunOutput,
  renderComment,
  renderEscalation,
  renderJobSummary,
} from '../../src/report/render/markdown.js';
import { toRunView } from '../../src/report/view-model.js';
import { featureLogDir } from '../../src/paths.js';
import { readEventLog, statePaths } from '../../src/state/index.js';
import { captureIO } from '../helpers/cli-io.js';
import { BARE_PATH, filesUnder, git, leakyClaude, securityRepo, tempDir } from './repo.js';

const KEY = 'sk-test/AbC+dEf=GhI:42!xyz';
const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDhYs9bTyjBc4yFvCq2nQ6tU7hQ0vYVh3wT9bm4cR0ZiQAAAJgkL1cXJC9X',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const PASSWORD = 'hunter2';
const CHECKOUT_TOKEN = 'ghs_checkoutTokenABCDEFGHIJ0123456789';
const HEADER = Buffer.from(`x-access-token:${CHECKOUT_TOKEN}`).toString('base64');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every raw and encoded value the fake prints: none may survive anywhere. */
const FORBIDDEN = [
  KEY,
  PEM,
  ...PEM.split('\n').filter((line) => line.length >= MIN_SECRET_LENGTH),
  PASSWORD,
  b64(KEY),
  b64(`prefix-${KEY}`),
  b64(PEM),
  encodeURIComponent(KEY),
  encodeURIComponent(PEM),
  JSON.stringify(PEM).slice(1, -1),
  CHECKOUT_TOKEN,
  HEADER,
];

function leaksIn(where: string, text: string): string[] {
  return FORBIDDEN.filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`);
}

describe('no secret in any output', () => {
  it('an agent printing every secret form leaves 0 hits in logs, events, snapshots, --json, reports and prompts', async () => {
    const feature = { slug: '001-leak', wps: [{ id: 'WP01', subtasks: ['T001'] }] };
    const repo = await securityRepo(feature);
    // What actions/checkout leaves in .git/config with persist-credentials (the default).
    git(repo, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${HEADER}`);
    const bin = await leakyClaude();
    const scratch = await tempDir('kitty-security-state-');
    const env = {
      PATH: `${bin}:${BARE_PATH}`,
      HOME: process.env.HOME,
      MY_API_KEY: KEY,
      DEPLOY_PRIVATE_KEY: PEM,
      DB_PASSWORD: PASSWORD,
      LEAKY_STATE: scratch,
      LEAKY_PROMPTS: path.join(scratch, 'prompts.txt'),
    };
    // What the terminal and `--json` show: the events as they happen, the agents' lines, the log messages.
    const terminal: string[] = [];
    const say = (text: string) => void terminal.push(text);
    const { run } = await runFeature({
      repoDir: repo,
      feature: feature.slug,
      env,
      // The default single-agent pause (60 s) is for providers, not for tests.
      overrides: { singleAgentDelaySeconds: 0 },
      logger: { info: say, warn: say, debug: say },
      onEvent: (event) => say(JSON.stringify(event)),
      onAgentLine: (wp, line) => say(`[${wp}] ${line}`),
    });
    expect(run.status).toBe('completed');

    const events = (await readEventLog(statePaths(repo, feature.slug).events)) ?? [];
    // One real CLI and no config: single-agent mode with claude, and sim never ran.
    const agents = new Set(events.flatMap((e) => ('agent' in e ? [e.agent] : [])));
    expect([...agents]).toEqual(['claude-code']);
    const verdicts = events.filter((e) => e.type === 'review_verdict');
    expect(verdicts.map((v) => v.verdict)).toEqual(['changes_requested', 'approved']);
    expect(verdicts[0]).toMatchObject({ findings: [{ location: 'src/***.ts:1' }] });

    const status = captureIO(repo, env);
    await runCli(['status', '--feature', feature.slug, '--json'], status);
    const now = new Date();
    const view = toRunView(run, now);
    const ctx = { phase: 'final' as const, runUrl: null, now: now.toISOString() };
    const redact = await createRunRedactor(repo, env);
    const escalation = await escalationInput(run, 'WP01', 'test', {
      repoDir: repo,
      logDir: featureLogDir(repo, feature.slug),
      redact,
    });
    const artifacts = [
      ...(await filesUnder(path.join(repo, '.kittify'))),
      { file: 'terminal and --json', text: terminal.join('\n') },
      { file: 'status --json', text: status.out() },
      { file: 'comment', text: renderComment(view, ctx) },
      { file: 'job summary', text: renderJobSummary(view, ctx) },
      { file: 'check run', text: JSON.stringify(renderCheckRunOutput(view, reviewNotes(run), ctx)) },
      { file: 'escalation', text: renderEscalation(escalation, ctx) },
      { file: 'prompts the agent got', text: await readFile(env.LEAKY_PROMPTS, 'utf8') },
    ];
    // The artifacts really carry the agent's output (so 0 hits means redacted, not missing).
    const all = artifacts.map((a) => a.text).join('\n');
    expect(all).toContain('plain: ***');
    expect(all).toContain('password=***');
    expect(all).toContain('extraheader=AUTHORIZATION: basic ***');
    expect(artifacts.flatMap((a) => leaksIn(path.relative(repo, a.file) || a.file, a.text))).toEqual([]);
  });
});

describe('the redactor', () => {
  it('covers the variable-name rule with its minimum length, and skips the action inputs', () => {
    const redact = createRedactor({
      DB_PASSWORD: 'hunter2',
      SHORT_TOKEN: 'abc12',
      'INPUT_STATE-KEY-PREFIX': 'kitty-orchestrator',
      HOME: '/home/someone',
    });
    expect(redact('hunter2 abc12 kitty-orchestrator /home/someone')).toBe(
      '*** abc12 kitty-orchestrator /home/someone',
    );
  });

  it('blanks base64 at every alignment, URL and JSON forms, and each line of a multi-line value', () => {
    const redact = createRedactor({}, [KEY, PEM]);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = b64(`${prefix}${KEY}tail`);
      expect(redact(encoded)).toContain('***');
    }
    expect(secretForms(KEY)).toContain(encodeURIComponent(KEY));
    expect(redact(`{"pem":${JSON.stringify(PEM)}}`)).toBe('{"pem":"***"}');
    for (const line of PEM.split('\n')) expect(redact(`> ${line}`)).toBe('> ***');
  });
});
