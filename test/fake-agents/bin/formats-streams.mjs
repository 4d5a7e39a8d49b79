// The fake CLIs whose output is a stream of JSON events in their real format: codex's JSONL events, copilot's
// JSONL (assistant.message, result), opencode/kilo's JSON events and pi's JSONL session events.
import { RATE_LIMIT_TEXT, WORKING, line, lines, now } from './output.mjs';

/**
 * @typedef {import('./output.mjs').Done} Done
 * @typedef {import('./output.mjs').Renderer} Renderer
 */

/** @param {string} message */
const codexFailure = (message) => [
  { type: 'thread.started', thread_id: 'fake-thread' },
  { type: 'turn.started' },
  { type: 'error', message },
  { type: 'turn.failed', error: { message } },
];

/** @type {Renderer} */
export const codex = {
  ok: (d, format) => {
    if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
    /** @type {object[]} */
    const events = [{ type: 'thread.started', thread_id: d.sessionId }, { type: 'turn.started' }];
    if (d.files.length > 0) {
      const command = `bash -lc 'git add ${d.files.join(' ')} && git commit -m work'`;
      const item = { id: 'item_0', type: 'command_execution', command, aggregated_output: '', exit_code: 0 };
      events.push({ type: 'item.completed', item: { ...item, status: 'completed' } });
    }
    events.push({ type: 'item.completed', item: { id: 'item_1', type: 'agent_message', text: d.text } });
    const usage = { input_tokens: d.tokens.input, cached_input_tokens: 0, output_tokens: d.tokens.output };
    events.push({ type: 'turn.completed', usage });
    return { stdout: lines(events), code: 0 };
  },
  fail: (failure, format) => {
    const message =
      failure === 'auth'
        ? 'unexpected status 401 Unauthorized: Incorrect API key provided'
        : `exceeded retry limit, last status: ${RATE_LIMIT_TEXT}`;
    return format === 'json'
      ? { stdout: lines(codexFailure(message)), code: 1 }
      : { stderr: `ERROR: ${message}\n`, code: 1 };
  },
  partial: (format) =>
    format === 'json' ? line({ type: 'thread.started', thread_id: 'fake-thread' }) : WORKING,
};

const COPILOT_AUTH =
  'Error: No authentication information found.\n\nCopilot can be authenticated with GitHub using an OAuth Token ' +
  'or a Fine-Grained Personal Access Token.\n\nTo authenticate, you can use any of the following methods:\n' +
  "  • Start 'copilot' and run the '/login' command\n" +
  '  • Set the COPILOT_GITHUB_TOKEN, GH_TOKEN, or GITHUB_TOKEN environment variable\n';

/** @type {Renderer} */
export const copilot = {
  ok: (d, format) => {
    if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
    const changes = { linesAdded: d.files.length, linesRemoved: 0, filesModified: d.files };
    const usage = {
      premiumRequests: 1,
      totalApiDurationMs: 1000,
      sessionDurationMs: 1200,
      codeChanges: changes,
    };
    const events = [
      { type: 'assistant.message', data: { content: d.text } },
      { type: 'result', sessionId: d.sessionId, exitCode: 0, usage },
    ];
    return { stdout: lines(events), code: 0 };
  },
  fail: (failure) => ({ stderr: failure === 'auth' ? COPILOT_AUTH : `Error: ${RATE_LIMIT_TEXT}\n`, code: 1 }),
  partial: () => WORKING,
};

/** opencode and kilo (a fork of it) share their JSON event stream. @returns {Renderer} */
export function opencodeLike() {
  const base = (/** @type {string} */ session) => ({ timestamp: now(), sessionID: session });
  return {
    ok: (d, format) => {
      if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
      const b = base(d.sessionId);
      /** @type {object[]} */
      const events = [
        { type: 'step_start', ...b, part: { type: 'step-start', id: 'prt_1', sessionID: d.sessionId } },
      ];
      if (d.files.length > 0) {
        const state = { status: 'completed', input: { command: 'git commit -am work' }, output: '' };
        events.push({
          type: 'tool_use',
          ...b,
          part: { type: 'tool', tool: 'bash', callID: 'call_1', state },
        });
      }
      events.push({ type: 'text', ...b, part: { type: 'text', id: 'prt_2', text: d.text } });
      const tokens = {
        input: d.tokens.input,
        output: d.tokens.output,
        reasoning: 0,
        cache: { read: 0, write: 0 },
      };
      events.push({
        type: 'step_finish',
        ...b,
        part: { type: 'step-finish', reason: 'stop', cost: d.costUsd, tokens },
      });
      return { stdout: lines(events), code: 0 };
    },
    fail: (failure, format) => {
      const error =
        failure === 'auth'
          ? {
              name: 'ProviderAuthError',
              data: { providerID: 'anthropic', message: '401 Unauthorized: invalid x-api-key' },
            }
          : { name: 'APIError', data: { message: RATE_LIMIT_TEXT, statusCode: 429, isRetryable: true } };
      if (format === 'json')
        return { stdout: line({ type: 'error', ...base('fake-session'), error }), code: 1 };
      return { stderr: `Error: ${error.data.message}\n`, code: 1 };
    },
    partial: (format) =>
      format === 'json' ? line({ type: 'step_start', ...base('fake-session'), part: {} }) : WORKING,
  };
}

/** pi's `--mode json`: its session events, one per line. */
export const pi = /** @type {Renderer} */ ({
  ok: (d, format) => {
    if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
    const cost = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: d.costUsd };
    const usage = {
      input: d.tokens.input,
      output: d.tokens.output,
      cacheRead: 0,
      cacheWrite: 0,
      totalTokens: d.tokens.input + d.tokens.output,
      cost,
    };
    return {
      stdout: lines(
        piEvents(d.sessionId, { content: [{ type: 'text', text: d.text }], usage, stopReason: 'stop' }),
      ),
      code: 0,
    };
  },
  fail: (failure, format) => {
    if (failure === 'auth')
      return { stderr: 'No API key found for anthropic.\n\nUse /login or set ANTHROPIC_API_KEY.\n', code: 1 };
    const message = { content: [], stopReason: 'error', errorMessage: RATE_LIMIT_TEXT };
    return format === 'json'
      ? { stdout: lines(piEvents('fake-session', message)), code: 1 }
      : { stderr: `Error: ${RATE_LIMIT_TEXT}\n`, code: 1 };
  },
  partial: (format) =>
    format === 'json' ? line({ type: 'session', id: 'fake-session', version: 3 }) : WORKING,
});

/** @param {string} session @param {object} reply */
function piEvents(session, reply) {
  const assistant = { role: 'assistant', ...reply, timestamp: now() };
  return [
    { type: 'session', id: session, version: 3, timestamp: new Date().toISOString(), cwd: process.cwd() },
    { type: 'agent_start' },
    { type: 'turn_start' },
    { type: 'message_start', message: { role: 'assistant', content: [] } },
    { type: 'message_end', message: assistant },
    { type: 'turn_end', message: assistant, toolResults: [] },
    { type: 'agent_end', messages: [assistant] },
  ];
}
