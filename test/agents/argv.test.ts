// The exact argv each invoker builds, as verified against the real CLIs (docs: /work/shared/design/agents.md).
import { describe, expect, it } from 'vitest';
import { getInvoker } from '../../src/agents/registry.js';
import { VERDICT_JSON_SCHEMA } from '../../src/agents/review.js';
import { agentConfig, request } from './helpers.js';

const P = 'Implement WP01.';

describe('argv per CLI', () => {
  it('claude: stdin prompt, IS_SANDBOX, --json-schema for reviews', () => {
    const impl = getInvoker('claude-code').buildInvocation(request('implementation'));
    expect(impl.argv).toEqual(['claude', '-p', '--output-format', 'json', '--dangerously-skip-permissions']);
    expect(impl).toMatchObject({ promptDelivery: 'stdin', stdin: P, env: { IS_SANDBOX: '1' } });
    const review = getInvoker('claude-code').buildInvocation(request('review'));
    expect(review.argv.slice(5)).toEqual(['--json-schema', JSON.stringify(VERDICT_JSON_SCHEMA)]);
  });

  it('codex: exec with stdin "-" last, last-message file, schema file for reviews', () => {
    const impl = getInvoker('codex').buildInvocation(
      request('implementation', { agent: agentConfig({ extra_args: ['-m', 'o9'] }) }),
    );
    expect(impl.argv).toEqual([
      'codex',
      'exec',
      '--json',
      '--dangerously-bypass-approvals-and-sandbox',
      '--skip-git-repo-check',
      '--output-last-message',
      '/tmp/scratch/WP01-1/codex-last-message.txt',
      '-m',
      'o9',
      '-',
    ]);
    expect(impl).toMatchObject({ promptDelivery: 'stdin', stdin: P });
    expect(impl.files).toEqual({ '/tmp/scratch/WP01-1/codex-last-message.txt': '' });
    const review = getInvoker('codex').buildInvocation(request('review'));
    const at = review.argv.indexOf('--output-schema');
    const schemaFile = review.argv[at + 1] ?? '';
    expect(schemaFile).toBe('/tmp/scratch/WP01-1/verdict.schema.json');
    expect(JSON.parse(review.files[schemaFile] ?? '')).toEqual(VERDICT_JSON_SCHEMA);
    expect(review.argv[review.argv.length - 1]).toBe('-');
  });

  it('copilot: prompt as the -p argument, stdin closed', () => {
    const impl = getInvoker('copilot').buildInvocation(request('implementation'));
    expect(impl.argv).toEqual([
      'copilot',
      '-p',
      P,
      '--output-format',
      'json',
      '--allow-all-tools',
      '--no-auto-update',
    ]);
    expect(impl).toMatchObject({ promptDelivery: 'argument', stdin: null });
  });

  it('gemini and qwen: stdin prompt, yolo approval; gemini skips the trust prompt', () => {
    expect(getInvoker('gemini').buildInvocation(request('implementation')).argv).toEqual([
      'gemini',
      '--output-format',
      'json',
      '--approval-mode',
      'yolo',
      '--skip-trust',
    ]);
    const qwen = getInvoker('qwen').buildInvocation(request('implementation'));
    expect(qwen.argv).toEqual(['qwen', '--output-format', 'json', '--approval-mode', 'yolo']);
    expect(qwen).toMatchObject({ promptDelivery: 'stdin', stdin: P });
  });

  it('opencode and kilo: run subcommand, options before the positional prompt', () => {
    const agent = agentConfig({ extra_args: ['--model', 'x/y'] });
    expect(getInvoker('opencode').buildInvocation(request('implementation', { agent })).argv).toEqual([
      'opencode',
      'run',
      '--format',
      'json',
      '--auto',
      '--model',
      'x/y',
      P,
    ]);
    expect(getInvoker('kilocode').binaries).toEqual(['kilo', 'kilocode']);
    expect(getInvoker('kilocode').buildInvocation(request('implementation')).argv.slice(0, 2)).toEqual([
      'kilo',
      'run',
    ]);
  });

  it('augment: print mode, stdin prompt', () => {
    const built = getInvoker('augment').buildInvocation(request('implementation'));
    expect(built.argv).toEqual(['auggie', '--print', '--output-format', 'json']);
    expect(built).toMatchObject({ promptDelivery: 'stdin', stdin: P });
  });

  it('cursor: argument prompt and a hard wall-clock limit', () => {
    const built = getInvoker('cursor').buildInvocation(request('implementation'));
    expect(built.argv).toEqual(['cursor-agent', '-p', '--output-format', 'json', '--force', P]);
    expect(built.hardTimeoutSeconds).toBe(900);
    const short = getInvoker('cursor').buildInvocation(
      request('implementation', { agent: agentConfig({ timeout_seconds: 120 }) }),
    );
    expect(short.hardTimeoutSeconds).toBe(120);
    const custom = agentConfig({ options: { hard_timeout_seconds: 1500 } });
    expect(
      getInvoker('cursor').buildInvocation(request('implementation', { agent: custom })).hardTimeoutSeconds,
    ).toBe(1500);
  });

  it('pi: argument prompt with stdin /dev/null (an open pipe blocks -p)', () => {
    const built = getInvoker('pi').buildInvocation(request('implementation'));
    expect(built.argv).toEqual(['pi', '-p', '--mode', 'json', P]);
    expect(built.stdin).toBeNull();
  });

  it('letta: prompt right after -p, yolo', () => {
    expect(getInvoker('letta').buildInvocation(request('implementation')).argv).toEqual([
      'letta',
      '-p',
      P,
      '--output-format',
      'json',
      '--yolo',
    ]);
  });

  it('a prompt over 100 kB goes to a file the argument points at', () => {
    const prompt = 'y'.repeat(150_000);
    const built = getInvoker('copilot').buildInvocation(request('implementation', { prompt }));
    expect(built.promptDelivery).toBe('file');
    expect(built.files).toEqual({ '/tmp/scratch/WP01-1/prompt.md': prompt });
    expect(built.argv[2]).toContain('/tmp/scratch/WP01-1/prompt.md');
  });

  it('sim: node + the script, role, prompt file and options', () => {
    const agent = agentConfig({ options: { failure: 'auth', fail_first: 1 } });
    const built = getInvoker('sim').buildInvocation(request('review', { agent }));
    expect(built.argv[0]).toBe(process.execPath);
    expect(built.argv[1]).toMatch(/bin\/kitty-sim-agent\.mjs$/);
    expect(built.argv.slice(2)).toEqual([
      '--role',
      'review',
      '--prompt-file',
      '/tmp/scratch/WP01-1/prompt.md',
      '--options',
      '{"failure":"auth","fail_first":1}',
    ]);
    expect(built.files['/tmp/scratch/WP01-1/prompt.md']).toContain('Implement WP01.');
    expect(built).toMatchObject({ promptDelivery: 'file', stdin: null });
  });
});
