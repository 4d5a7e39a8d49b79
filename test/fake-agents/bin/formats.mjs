// What each fake CLI prints, in the real CLI's own output format (see /work/shared/design/agents.md): claude's
// one JSON result object, gemini's pretty JSON with stats, qwen's JSON message array, the result objects of
// auggie, cursor and letta; the event-stream CLIs are in formats-streams.mjs.
import { codex, copilot, opencodeLike, pi } from './formats-streams.mjs';
import { RATE_LIMIT_TEXT, WORKING, claudeResult, line, lines } from './output.mjs';

/**
 * @typedef {import('./output.mjs').Done} Done
 * @typedef {import('./output.mjs').Renderer} Renderer
 */

/** What claude prints when the provider refused: the result object, flagged as an error. @param {string} message */
const claudeError = (message) => {
  const nothing = {
    text: message,
    sessionId: 'fake-session',
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    files: [],
  };
  return { ...claudeResult(nothing), is_error: true, total_cost_usd: 0 };
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
