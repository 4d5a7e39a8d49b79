// Every real CLI transcript (test/fixtures/transcripts/runs/, copied byte for byte from
// ../shared/agent-transcripts) through the version parser, the invoker's output parser, the shared failure
// classifier and the doctor's probe judge. One row per transcript: what it must be classed as and read as.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitedForNetwork } from '../../src/agents/liveness.js';
import { getInvoker } from '../../src/agents/registry.js';
import type { ErrorClass, TokenUsage } from '../../src/agents/types.js';
import { parseVersion } from '../../src/agents/version.js';
import { judgeProbe, type ProbeStatus } from '../../src/cli/doctor-probe.js';
import type { ProcessOutcome } from '../../src/executor/types.js';
import { outcome, request } from './helpers.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts');
const read = (name: string): string => readFileSync(path.join(dir, 'runs', name), 'utf8');

/** Exit codes from the transcripts' README table (124: `timeout` stopped a CLI that was still running). */
function exitCodes(): Map<string, number> {
  const codes = new Map<string, number>();
  for (const line of readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n')) {
    const row = /^\| (\S+) \| (\S+) \| (\S+) \| (\d+) \|/.exec(line);
    if (row) codes.set(`${row[1]}-${row[2]}-${row[3]}`, Number(row[4]));
  }
  return codes;
}

/** The transcript as the process runner would have reported it: a 30 s wall-clock stop for exit 124. */
function transcriptOutcome(name: string, code: number): ProcessOutcome {
  const stdout = read(`${name}.stdout`);
  const stderr = read(`${name}.stderr`);
  return code === 124
    ? outcome({
        exitCode: null,
        signal: 'SIGTERM',
        stoppedBy: 'wall_timeout',
        durationMs: 30_000,
        stdout,
        stderr,
      })
    : outcome({ exitCode: code, stdout, stderr });
}

interface Row {
  errorClass: ErrorClass;
  /** The summary after "exited with code N: " / "stopped after 30s: wall-clock timeout: ". */
  says: string;
  probe: ProbeStatus;
  costUsd?: number;
  tokens?: TokenUsage;
  sessionId?: string;
}

const FLAG = "error: unknown option '--bogus-flag-xyz'";
const AUGGIE_AUTH =
  '❌ No auth provided. Please log in with `auggie login` or set the AUGMENT_SESSION_AUTH environment variable.';
const CODEX_WAIT = 'Reconnecting... waiting for network (Connection failed: error sending request)';
const SILENT = 'no sign of work, no answer (is the provider reachable?)';
const GEMINI_AUTH =
  'Please set an Auth method in your <home>/.gemini/settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA';
const QWEN_AUTH =
  'No auth type is selected. Please configure an auth type (e.g. via settings or `--auth-type`) before running in non-interactive mode.';
const LETTA_FLAG =
  "Error: Unknown option '--bogus-flag-xyz'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus-flag-xyz\"";
const ZERO = { input: 0, output: 0 };
const usage = (says: string): Row => ({ errorClass: 'usage', says, probe: 'flags_rejected' });
const auth = (says: string, figures: Partial<Row> = {}): Row => ({
  errorClass: 'auth',
  says,
  probe: 'auth_failed',
  ...figures,
});
const offline = (says: string, sessionId?: string): Row => ({
  errorClass: 'network',
  says,
  probe: 'offline',
  ...(sessionId ? { sessionId } : {}),
});

const EXPECTED: Record<string, Row> = {
  'augment-implementation-badflag': usage(FLAG),
  'augment-implementation-exact': auth(AUGGIE_AUTH),
  'augment-review-badflag': usage(FLAG),
  'augment-review-exact': auth(AUGGIE_AUTH),
  'claude-code-implementation-badflag': usage(FLAG),
  'claude-code-implementation-exact': auth('Not logged in · Please run /login', {
    costUsd: 0,
    tokens: ZERO,
    sessionId: 'bacd082b-1ec6-42ca-b082-6f30999d4a36',
  }),
  'claude-code-review-badflag': usage(FLAG),
  'claude-code-review-exact': auth('Not logged in · Please run /login', {
    costUsd: 0,
    tokens: ZERO,
    sessionId: '08c7ff59-8a30-4aae-acd6-9ecf1e25fe41',
  }),
  'codex-implementation-badflag': usage("error: unexpected argument '--bogus-flag-xyz' found"),
  'codex-implementation-exact': offline(CODEX_WAIT, '01a23c78-dbed-7680-a0dc-30bc4574d9ae'),
  'codex-review-badflag': usage("error: unexpected argument '--bogus-flag-xyz' found"),
  'codex-review-exact': offline(CODEX_WAIT, '01a23c79-5e14-72d2-bcaf-dca6902f80c0'),
  'copilot-implementation-badflag': usage('error: Invalid command format.'),
  'copilot-implementation-exact': offline(SILENT),
  'copilot-review-badflag': usage('error: Invalid command format.'),
  'copilot-review-exact': auth('Error: No authentication information found.'),
  'gemini-implementation-badflag': usage('Unknown arguments: bogus-flag-xyz, bogusFlagXyz'),
  'gemini-implementation-exact': auth(GEMINI_AUTH, { sessionId: '97fd6f10-a6b3-491f-a7ae-7929d3921b69' }),
  'gemini-review-badflag': usage('Unknown arguments: bogus-flag-xyz, bogusFlagXyz'),
  'gemini-review-exact': auth(GEMINI_AUTH, { sessionId: 'cdea7ed4-fa4e-4ff7-a769-18462e03652f' }),
  'kilocode-implementation-badflag': usage('kilo run [message..]'),
  'kilocode-implementation-exact': offline(SILENT),
  'kilocode-review-badflag': usage('kilo run [message..]'),
  'kilocode-review-exact': offline(SILENT),
  'letta-implementation-badflag': usage(LETTA_FLAG),
  'letta-implementation-exact': auth('Missing LETTA_API_KEY'),
  'letta-review-badflag': usage(LETTA_FLAG),
  'letta-review-exact': auth('Missing LETTA_API_KEY'),
  'opencode-implementation-badflag': usage('opencode run [message..]'),
  'opencode-implementation-exact': offline(SILENT),
  'opencode-review-badflag': usage('opencode run [message..]'),
  'opencode-review-exact': offline(SILENT),
  'pi-implementation-badflag': usage('Error: Unknown option: --bogus-flag-xyz'),
  'pi-implementation-exact': auth('No API key found for the selected model.', {
    sessionId: '01a23c78-8377-7148-b94f-3d8209bb8468',
  }),
  'pi-review-badflag': usage('Error: Unknown option: --bogus-flag-xyz'),
  'pi-review-exact': auth('No API key found for the selected model.', {
    sessionId: '01a23c78-a66d-72a2-a004-03ff61ee78da',
  }),
  'qwen-implementation-badflag': usage('Unknown arguments: bogus-flag-xyz, bogusFlagXyz'),
  'qwen-implementation-exact': auth(QWEN_AUTH, {
    tokens: ZERO,
    sessionId: '1a244506-6643-4794-adb7-e09b524775f9',
  }),
  'qwen-review-badflag': usage('Unknown arguments: bogus-flag-xyz, bogusFlagXyz'),
  'qwen-review-exact': auth(QWEN_AUTH, { tokens: ZERO, sessionId: '82970f5e-131f-4d54-9438-6fca71a98398' }),
};

const transcripts = readdirSync(path.join(dir, 'runs'))
  .filter((file) => file.endsWith('.argv.json'))
  .map((file) => file.slice(0, -'.argv.json'.length))
  .sort();
const codes = exitCodes();

describe('real CLI transcripts', () => {
  it('the table has one row per transcript, and the README an exit code for each', () => {
    expect(transcripts).toHaveLength(40);
    expect(Object.keys(EXPECTED).sort()).toEqual(transcripts);
    for (const name of transcripts) expect(codes.has(name), name).toBe(true);
  });

  it.each(transcripts)('%s', (name) => {
    const [, id = '', role = ''] = /^(.+)-(implementation|review)-(exact|badflag)$/.exec(name) ?? [];
    const code = codes.get(name)!;
    const req = request(role as 'implementation' | 'review', { scratchDir: path.join(dir, 'no-scratch') });
    const invoker = getInvoker(id);
    const ran = transcriptOutcome(name, code);
    const result = invoker.parseOutcome(ran, req);
    const row = EXPECTED[name]!;
    const how = code === 124 ? 'stopped after 30s: wall-clock timeout' : `exited with code ${code}`;
    expect(result).toEqual({
      success: false,
      errorClass: row.errorClass,
      summary: `${how}: ${row.says}`,
      ...(row.costUsd === undefined ? {} : { costUsd: row.costUsd }),
      ...(row.tokens ? { tokens: row.tokens } : {}),
      ...(row.sessionId ? { sessionId: row.sessionId } : {}),
    });
    expect(judgeProbe(invoker, ran, req)).toEqual({ status: row.probe, detail: expect.any(String) });
  });

  it('codex offline for 400 s prints only reconnect lines: network, with its own last notice', () => {
    const stdout = read('codex-offline-400s.stdout.timestamped')
      .split('\n')
      .filter((line) => line.startsWith('1'))
      .map((line) => line.replace(/^\d+ /, ''))
      .join('\n');
    const ran = outcome({
      exitCode: null,
      signal: 'SIGTERM',
      stoppedBy: 'wall_timeout',
      durationMs: 400_000,
      stdout,
      stderr: read('codex-offline-400s.stderr'),
    });
    expect(waitedForNetwork(ran, true)).toEqual({ lastWaiting: CODEX_WAIT });
    const result = getInvoker('codex').parseOutcome(ran, request('implementation'));
    expect(result).toMatchObject({ errorClass: 'network', summary: expect.stringContaining(CODEX_WAIT) });
  });
});

/** `<cli> --version` as each real CLI printed it (help/*-help.txt), split into the stream it went to. */
const VERSIONS: [cli: string, stdout: string, stderr: string, expected: string][] = [
  ['auggie', '0.36.0 (commit 7c61e5bb)\n', '', '0.36.0'],
  ['claude', '2.1.332 (Claude Code)\n', '', '2.1.332'],
  [
    'codex, its warning first',
    'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp" (codex_home: AbsolutePathBuf("$HOME/.codex"))\ncodex-cli 0.171.0\n',
    '',
    '0.171.0',
  ],
  [
    'copilot on a fresh HOME',
    "Package extraction took 11718ms\nGitHub Copilot CLI 1.0.102.\nRun 'copilot update' to check for updates.\n",
    '',
    '1.0.102',
  ],
  [
    'copilot, notice on stderr',
    'GitHub Copilot CLI 1.0.102.\n',
    'Package extraction took 8507ms\n',
    '1.0.102',
  ],
  ['gemini', '0.61.0\n', '', '0.61.0'],
  ['kilo', '7.7.7\n', 'INFO  2026-12-03T15:06:05 +1079ms service=default version=7.7.7\n', '7.7.7'],
  ['letta', '0.25.9 (Letta Code)\n', '', '0.25.9'],
  ['opencode', '1.18.33\n', '', '1.18.33'],
  ['pi, on stderr', '', '0.73.1\n', '0.73.1'],
  ['qwen', '0.24.4\n', '', '0.24.4'],
];

describe('parseVersion on the real CLIs', () => {
  it.each(VERSIONS)('%s', (_cli, stdout, stderr, expected) => {
    expect(parseVersion(stdout, stderr)).toBe(expected);
  });

  it('is null when no line looks like a version', () => {
    expect(parseVersion('Package extraction took 11718ms\n', 'WARNING: no aliases\n')).toBeNull();
  });
});
