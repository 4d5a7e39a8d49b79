// Rules every invoker must follow, checked for all of them at once.
import { describe, expect, it } from 'vitest';
import { INVOKERS } from '../../src/agents/registry.js';
import { VERDICT_INSTRUCTIONS_HEADING } from '../../src/agents/review.js';
import type { Invocation } from '../../src/agents/types.js';
import { agentConfig, outcome, request } from './helpers.js';

const invokers = [...INVOKERS.values()];

/** Everything the CLI gets to read the prompt from. */
function promptChannels(invocation: Invocation): string {
  return [invocation.stdin ?? '', ...Object.values(invocation.files), ...invocation.argv].join('\n');
}

describe.each(invokers.map((invoker) => [invoker.id, invoker] as const))('%s invoker', (_id, invoker) => {
  it('builds an argv array whose first element is the binary, and honours a command override', () => {
    const built = invoker.buildInvocation(request('implementation'));
    expect(built.argv.every((arg) => typeof arg === 'string')).toBe(true);
    if (invoker.id === 'sim') expect(built.argv[0]).toBe(process.execPath);
    else expect(built.argv[0]).toBe(invoker.binaries[0]);
    const custom = invoker.buildInvocation(
      request('implementation', { agent: agentConfig({ command: '/opt/x/bin' }) }),
    );
    expect(custom.argv[0]).toBe('/opt/x/bin');
    expect(custom.argv.slice(1)).not.toContain(invoker.binaries[0]);
  });

  it('appends extra_args', () => {
    const agent = agentConfig({ extra_args: ['--model', 'big-model-7'] });
    const argv = invoker.buildInvocation(request('review', { agent })).argv;
    const at = argv.indexOf('--model');
    expect(at).toBeGreaterThan(0);
    expect(argv[at + 1]).toBe('big-model-7');
  });

  it('delivers the prompt, with the verdict instructions only for a review (and only once)', () => {
    const impl = invoker.buildInvocation(request('implementation', { prompt: 'Do the thing 7f3a.' }));
    expect(promptChannels(impl)).toContain('Do the thing 7f3a.');
    expect(promptChannels(impl)).not.toContain(VERDICT_INSTRUCTIONS_HEADING);
    const review = invoker.buildInvocation(request('review', { prompt: 'Review the thing 7f3a.' }));
    const text = promptChannels(review);
    expect(text).toContain('Review the thing 7f3a.');
    expect(text.split(VERDICT_INSTRUCTIONS_HEADING).length - 1).toBeGreaterThanOrEqual(1);
    const already = `Review it.\n\n${VERDICT_INSTRUCTIONS_HEADING}\nanswer with JSON`;
    const again = promptChannels(invoker.buildInvocation(request('review', { prompt: already })));
    expect(again.split(VERDICT_INSTRUCTIONS_HEADING).length - 1).toBe(1);
  });

  it('keeps a huge prompt out of argv (E2BIG) and files stay under the scratch dir', () => {
    const prompt = `Implement this.\n${'x'.repeat(300_000)}`;
    const built = invoker.buildInvocation(request('implementation', { prompt }));
    expect(built.argv.every((arg) => arg.length < 100_000)).toBe(true);
    expect(promptChannels(built)).toContain(prompt);
    for (const file of Object.keys(built.files)) expect(file.startsWith('/tmp/scratch/WP01-1/')).toBe(true);
  });

  it('calls empty or garbage output with exit 0 invalid_output, never success', () => {
    for (const stdout of ['', '<<<simulated garbage: this is not the JSON you are looking for>>>\n']) {
      const result = invoker.parseOutcome(outcome({ stdout }), request('implementation'));
      expect(result).toMatchObject({ success: false, errorClass: 'invalid_output' });
    }
  });

  it('classifies our own stops of a working agent as timeout or stalled', () => {
    // A line of non-JSON stdout is progress: the agent was working, not waiting for its provider.
    const killed = { exitCode: null, signal: 'SIGKILL' as const, stdout: 'working on WP01\n' };
    const wall = invoker.parseOutcome(
      outcome({ ...killed, stoppedBy: 'wall_timeout' }),
      request('implementation'),
    );
    expect(wall).toMatchObject({ success: false, errorClass: 'timeout' });
    expect(wall.summary).toContain('wall-clock timeout');
    const idle = invoker.parseOutcome(
      outcome({ ...killed, stoppedBy: 'inactivity_timeout' }),
      request('review'),
    );
    expect(idle).toMatchObject({ success: false, errorClass: 'stalled' });
  });

  it('classifies CLI-style error texts on stderr', () => {
    const auth = invoker.parseOutcome(
      outcome({ exitCode: 1, stderr: 'Error: 401 Unauthorized: invalid api key\n' }),
      request('implementation'),
    );
    expect(auth).toMatchObject({ success: false, errorClass: 'auth' });
    expect(auth.summary).toContain('invalid api key');
    const before = Date.now();
    const limited = invoker.parseOutcome(
      outcome({
        exitCode: 1,
        stderr: 'Error: 429 Too Many Requests. Rate limit reached; try again in 20s\n',
      }),
      request('implementation'),
    );
    const after = Date.now();
    expect(limited).toMatchObject({ success: false, errorClass: 'rate_limit' });
    const reset = Date.parse(limited.rateLimitResetAt ?? '');
    expect(reset).toBeGreaterThanOrEqual(before + 20_000);
    expect(reset).toBeLessThanOrEqual(after + 20_000);
    const net = invoker.parseOutcome(
      outcome({
        exitCode: 1,
        stderr: 'TypeError: fetch failed\n  cause: getaddrinfo ENOTFOUND api.example.com\n',
      }),
      request('implementation'),
    );
    expect(net.errorClass).toBe('network');
  });

  it('calls an unexplained non-zero exit or a signal a crash', () => {
    expect(invoker.parseOutcome(outcome({ exitCode: 3 }), request('implementation')).errorClass).toBe(
      'crash',
    );
    const segv = invoker.parseOutcome(
      outcome({ exitCode: null, signal: 'SIGSEGV' }),
      request('implementation'),
    );
    expect(segv).toMatchObject({ success: false, errorClass: 'crash' });
    expect(segv.summary).toContain('SIGSEGV');
  });
});
