// What each fake CLI prints, in the real CLI's own output format (see /work/shared/design/agents.md): claude's
// one JSON result object, codex's JSONL events, gemini's pretty JSON with stats, qwen's JSON message array,
// opencode/kilo's JSON events, pi's JSONL session events, and the result objects of auggie, cursor and letta.

/** The text every fake's rate-limit failure carries, in whatever envelope its CLI uses. */
export const RATE_LIMIT_TEXT = '429 Too Many Requests: rate limit exceeded, try again in 1s';

/**
 * @typedef {import('./clis.mjs').Exit} Exit
 * @typedef {{ text: string, sessionId: string, tokens: { input: number, output: number }, costUsd: number,
 *   files: string[], structured?: object }} Done
 * @typedef {'auth' | 'rate_limit'} Failure
 * @typedef {{ ok: (done: Done, format: string) => Exit, fail: (failure: Failure, format: string) => Exit,
 *   partial: (format: string) => string }} Renderer
 */

const line = (/** @type {unknown} */ value) => `${JSON.stringify(value)}\n`;
const lines = (/** @type {unknown[]} */ values) => values.map(line).join('');
const now = () => Date.now();
const WORKING = 'Working on it…\n';

/** The result object claude prints (cursor, auggie and letta print close relatives of it). @param {Done} d */
const claudeResult = (d) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 1200,
  duration_api_ms: 1000,
  num_turns: 3,
  result: d.text,
  session_id: d.sessionId,
  total_cost_usd: d.costUsd,
  usage: {
    input_tokens: d.tokens.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: d.tokens.output,
    service_tier: 'standard',
  },
  permission_denials: [],
  ...(d.structured ? { structured_output: d.structured } : {}),
});

/** @param {string} message */
const claudeError = (message) => ({
  ...claudeResult(/** @type {Done} */ (errDone)),
  is_error: true,
  result: message,
});
const errDone = {
  text: '',
  sessionId: 'fake-session',
  tokens: { input: 0, output: 0 },
  costUsd: 0,
  files: [],
};

/** @type {Renderer} */
const claude = {
  ok: (d, format) => {
    if (format === 'json') return { stdout: line(claudeResult(d)), code: 0 };
    if (format === 'stream-json') {
      const init = { type: 'system', subtype: 'init', session_id: d.sessionId, tools: ['Bash', 'Edit'] };
      const message = { role: 'assistant', content: [{ type: 'text', text: d.text }] };
      return {
        stdout: lines([init, { type: 'assistant', message, session_id: d.sessionId }, claudeResult(d)]),
        code: 0,
      };
    }
    return { stdout: `${d.text}\n`, code: 0 };
  },
  fail: (failure, format) => {
    const message =
      failure === 'auth' ? 'Invalid API key · Please run /login' : `API Error: ${RATE_LIMIT_TEXT}`;
    return format === 'text'
      ? { stdout: `${message}\n`, code: 1 }
      : { stdout: line(claudeError(message)), code: 1 };
  },
  partial: (format) =>
    format === 'stream-json'
      ? line({ type: 'system', subtype: 'init', session_id: 'fake-session' })
      : WORKING,
};

/** @param {string} message */
const codexFailure = (message) => [
  { type: 'thread.started', thread_id: 'fake-thread' },
  { type: 'turn.started' },
  { type: 'error', message },
  { type: 'turn.failed', error: { message } },
];

/** @type {Renderer} */
const codex = {
  ok: (d, format) => {
    if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
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
const copilot = {
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

const GEMINI_AUTH =
  'Please set an Auth method in your settings.json or specify one of the following environment variables ' +
  'before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA';

/** @param {Done} d */
const geminiStats = (d) => ({
  models: {
    'gemini-2.5-pro': {
      api: { totalRequests: 1, totalErrors: 0, totalLatencyMs: 1000 },
      tokens: {
        prompt: d.tokens.input,
        candidates: d.tokens.output,
        total: d.tokens.input + d.tokens.output,
        cached: 0,
        thoughts: 0,
        tool: 0,
      },
    },
  },
  tools: { totalCalls: d.files.length, totalSuccess: d.files.length, totalFail: 0 },
  files: { totalLinesAdded: d.files.length, totalLinesRemoved: 0 },
});

/** @type {Renderer} */
const gemini = {
  ok: (d, format) => {
    if (format === 'json') {
      const body = { session_id: d.sessionId, response: d.text, stats: geminiStats(d) };
      return { stdout: `${JSON.stringify(body, null, 2)}\n`, code: 0 };
    }
    if (format === 'stream-json') {
      const stats = { input_tokens: d.tokens.input, output_tokens: d.tokens.output };
      const events = [
        { type: 'init', session_id: d.sessionId, model: 'gemini-2.5-pro' },
        { type: 'message', role: 'assistant', content: d.text, delta: false },
        {
          type: 'result',
          status: 'success',
          stats: { ...stats, total_tokens: stats.input_tokens + stats.output_tokens },
        },
      ];
      return { stdout: lines(events), code: 0 };
    }
    return { stdout: `${d.text}\n`, code: 0 };
  },
  fail: (failure, format) => {
    const [type, message, code] =
      failure === 'auth'
        ? ['FatalAuthenticationError', GEMINI_AUTH, 41]
        : ['Error', `[API Error: ${RATE_LIMIT_TEXT}]`, 1];
    const body = { session_id: 'fake-session', error: { type, message, code } };
    return { stderr: format === 'text' ? `${message}\n` : `${JSON.stringify(body, null, 2)}\n`, code };
  },
  partial: (format) =>
    format === 'stream-json' ? line({ type: 'init', session_id: 'fake-session' }) : WORKING,
};

/** qwen's JSON output: every message of the session, as one array, printed when the session ends. */
const qwen = /** @type {Renderer} */ ({
  ok: (d, format) => {
    const usage = { input_tokens: d.tokens.input, output_tokens: d.tokens.output };
    const messages = [
      { type: 'system', subtype: 'session_start', session_id: d.sessionId, model: 'qwen3-coder-plus' },
      {
        type: 'assistant',
        session_id: d.sessionId,
        message: { role: 'assistant', content: [{ type: 'text', text: d.text }], usage },
      },
      {
        type: 'result',
        subtype: 'success',
        session_id: d.sessionId,
        is_error: false,
        duration_ms: 1200,
        num_turns: 2,
        result: d.text,
        usage,
      },
    ];
    if (format === 'json') return { stdout: line(messages), code: 0 };
    if (format === 'stream-json') return { stdout: lines(messages), code: 0 };
    return { stdout: `${d.text}\n`, code: 0 };
  },
  fail: (failure, format) => {
    const message =
      failure === 'auth'
        ? '[API Error: 401 Incorrect API key provided. Run qwen and use /auth to configure.]'
        : `[API Error: ${RATE_LIMIT_TEXT}]`;
    const result = {
      type: 'result',
      subtype: 'error_during_execution',
      is_error: true,
      num_turns: 1,
      error: { message },
    };
    return format === 'text' ? { stderr: `${message}\n`, code: 1 } : { stdout: line([result]), code: 1 };
  },
  partial: () => WORKING,
});

/** opencode and kilo (a fork of it) share their JSON event stream. @returns {Renderer} */
function opencodeLike() {
  const base = (/** @type {string} */ session) => ({ timestamp: now(), sessionID: session });
  return {
    ok: (d, format) => {
      if (format !== 'json') return { stdout: `${d.text}\n`, code: 0 };
      const b = base(d.sessionId);
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

/** CLIs whose JSON output is one result object and whose errors go to stderr as text. */
function resultObject(/** @type {string} */ authText, /** @type {(d: Done) => object} */ toResult) {
  return /** @type {Renderer} */ ({
    ok: (d, format) => {
      if (format === 'json') return { stdout: line(toResult(d)), code: 0 };
      if (format === 'stream-json')
        return { stdout: lines([{ type: 'system', subtype: 'init' }, toResult(d)]), code: 0 };
      return { stdout: `${d.text}\n`, code: 0 };
    },
    fail: (failure) => ({
      stderr: failure === 'auth' ? `${authText}\n` : `Error: ${RATE_LIMIT_TEXT}\n`,
      code: 1,
    }),
    partial: () => WORKING,
  });
}

/** @param {Done} d */
const cursorResult = (d) => {
  const { type, subtype, is_error, duration_ms, duration_api_ms, result, session_id } = claudeResult(d);
  return {
    type,
    subtype,
    is_error,
    duration_ms,
    duration_api_ms,
    result,
    session_id,
    request_id: 'fake-request',
  };
};

/** @param {Done} d */
const lettaResult = (d) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 1200,
  num_turns: 2,
  result: d.text,
  agent_id: `agent-${d.sessionId}`,
  usage: {
    prompt_tokens: d.tokens.input,
    completion_tokens: d.tokens.output,
    total_tokens: d.tokens.input + d.tokens.output,
  },
});

/** pi's `--mode json`: its session events, one per line. */
const pi = /** @type {Renderer} */ ({
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

/** @type {Record<string, Renderer>} */
export const RENDERERS = {
  claude,
  codex,
  copilot,
  gemini,
  qwen,
  opencode: opencodeLike(),
  kilo: opencodeLike(),
  auggie: resultObject('Error: No auth provided. Run `auggie login` or set AUGMENT_SESSION_AUTH.', (d) => {
    const { type, subtype, is_error, result, session_id, num_turns } = claudeResult(d);
    return { type, subtype, is_error, result, session_id, num_turns };
  }),
  'cursor-agent': resultObject(
    "Error: Authentication required. Please run 'cursor-agent login' first, or set CURSOR_API_KEY environment variable.",
    cursorResult,
  ),
  pi,
  letta: resultObject(
    'Error: Missing LETTA_API_KEY. Run `letta` to log in or set LETTA_API_KEY.',
    lettaResult,
  ),
};
