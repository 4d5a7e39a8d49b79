// Shared pieces of the fake CLIs' output: the rate-limit text, the output typedefs and JSON line helpers.

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

export const line = (/** @type {unknown} */ value) => `${JSON.stringify(value)}\n`;
export const lines = (/** @type {unknown[]} */ values) => values.map(line).join('');
export const now = () => Date.now();
export const WORKING = 'Working on it…\n';

/** The result object claude prints (cursor, auggie and letta print close relatives of it). @param {Done} d */
export const claudeResult = (d) => ({
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
