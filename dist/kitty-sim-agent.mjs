#!/usr/bin/env node
// kitty-sim-agent: the built-in `sim` agent. It does real, deterministic work in the WP's worktree (files, a
// commit, a review verdict) without a network or an LLM, so the whole orchestrator can be run and tested
// end to end; its options inject the failures real agents show (crash, 429, bad auth, hang, no commit, junk).
//
//   kitty-sim-agent --role implementation|review --prompt-file FILE [--options JSON]
//
// Output contract (read by src/agents/sim.ts): progress lines, then ONE JSON object as the last stdout line:
//   {"type":"result","success":true,"summary":"…","commits":["<sha>"],"cost_usd":0,"tokens":{…}[,"verdict":{…}]}
// Plain modern JS with no dependencies: it runs from an installed package without a build step.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The line the engine puts before review findings in a rework prompt (FINDINGS_MARKER, src/engine/prompts.ts). */
const FINDINGS_MARKER = 'Findings to address:';
/** Attempt counters live in the worktree's private git dir: never committed, gone with the worktree. */
const STATE_FILE = 'kitty-sim-state.json';
const ROLES = ['implementation', 'review'];
const FAILURES = ['crash', 'rate_limit', 'auth', 'hang', 'no_commit', 'garbage'];
const REVIEW_MODES = ['approve', 'reject_once'];
const OPTION_KEYS = ['duration_ms', 'jitter_ms', 'fail_first', 'failure', 'fail_wps', 'review'];
const GIT_IDENTITY = ['-c', 'user.name=kitty-sim', '-c', 'user.email=sim@kitty-orchestrator.invalid'];

/**
 * @typedef {'implementation' | 'review'} Role
 * @typedef {{ durationMs: number, jitterMs: number, failFirst: number, failure: string,
 *   failWps: string[] | null, review: string }} SimOptions
 * @typedef {{ counters: Record<string, number>, rejected: string[] }} SimState
 * @typedef {{ role: Role, prompt: string, wp: string, cwd: string, attempt: number, options: SimOptions,
 *   stateFile: string, state: SimState, stepMs: number }} Context
 */

/** A problem with how we were called: exit 2, like any CLI's usage error. */
class UsageError extends Error {}

/** @param {string} line */
const progress = (line) => process.stdout.write(`${line}\n`);

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string[]} argv @returns {{ role: Role, promptFile: string, options: SimOptions } | null} */
function readArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      role: { type: 'string' },
      'prompt-file': { type: 'string' },
      options: { type: 'string', default: '{}' },
      version: { type: 'boolean' },
    },
  });
  if (values.version) return null;
  const role = /** @type {Role} */ (values.role);
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (!values['prompt-file']) throw new UsageError('--prompt-file is required');
  return { role, promptFile: values['prompt-file'], options: parseOptions(values.options ?? '{}') };
}

/** @param {string} json @returns {SimOptions} */
function parseOptions(json) {
  /** @type {unknown} */
  let raw;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new UsageError('--options is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError('--options must be a JSON object (agents.sim.options)');
  }
  const o = /** @type {Record<string, unknown>} */ (raw);
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new UsageError(
        `agents.sim.options.${key} is not a sim option (known: ${OPTION_KEYS.join(', ')})`,
      );
    }
  }
  const options = {
    durationMs: count(o, 'duration_ms', 300),
    jitterMs: count(o, 'jitter_ms', 0),
    failFirst: count(o, 'fail_first', 0),
    failure: oneOf(o, 'failure', FAILURES, 'crash'),
    failWps: wpList(o),
    review: oneOf(o, 'review', REVIEW_MODES, 'approve'),
  };
  if (options.failFirst === 0 && (o.failure !== undefined || o.fail_wps !== undefined)) {
    throw new UsageError('agents.sim.options.failure and fail_wps need fail_first >= 1 to inject anything');
  }
  return options;
}

/** @param {Record<string, unknown>} o @param {string} key @param {number} fallback */
function count(o, key, fallback) {
  const value = o[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new UsageError(`agents.sim.options.${key} must be a whole number >= 0`);
  }
  return value;
}

/** @param {Record<string, unknown>} o @param {string} key @param {string[]} allowed @param {string} fallback */
function oneOf(o, key, allowed, fallback) {
  const value = o[key] ?? fallback;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new UsageError(`agents.sim.options.${key} must be one of ${allowed.join(', ')}`);
  }
  return value;
}

/** @param {Record<string, unknown>} o @returns {string[] | null} */
function wpList(o) {
  const value = o.fail_wps;
  if (value === undefined) return null;
  if (!Array.isArray(value) || !value.every((wp) => typeof wp === 'string' && /^WP\d+$/.test(wp))) {
    throw new UsageError('agents.sim.options.fail_wps must be a list of WP ids like ["WP03"]');
  }
  return value;
}

/** Run git with an argv (never a shell) and return its trimmed stdout. @param {string} cwd @param {string[]} args */
function git(cwd, args) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = String(/** @type {{ stderr?: unknown }} */ (error).stderr ?? '').trim();
    throw new Error(`git ${args[0]} failed in ${cwd}: ${stderr.split('\n')[0] || 'unknown error'}`);
  }
}

/** @param {string} file @returns {SimState} */
function loadState(file) {
  if (!existsSync(file)) return { counters: {}, rejected: [] };
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  return { counters: parsed.counters ?? {}, rejected: parsed.rejected ?? [] };
}

/** Write via rename so a killed sim never leaves half a state file. @param {string} file @param {SimState} state */
function saveState(file, state) {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** @param {Context} ctx @param {string} key */
function bump(ctx, key) {
  const next = (ctx.state.counters[key] ?? 0) + 1;
  ctx.state.counters[key] = next;
  saveState(ctx.stateFile, ctx.state);
  return next;
}

/** A fraction in [0, 1) fixed by the WP id (FNV-1a), so parallel WPs finish in a varied but repeatable order. */
function seededFraction(/** @type {string} */ seed) {
  let hash = 0x811c9dc5;
  for (const ch of seed) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash / 2 ** 32;
}

/** @param {string} prompt @param {RegExp} pattern */
const uniqueMatches = (prompt, pattern) => [...new Set(prompt.match(pattern) ?? [])];

/** The lines after the findings marker, up to the first blank line. @param {string} prompt */
function findingsIn(prompt) {
  const lines = prompt.split('\n');
  const start = lines.findIndex((line) => line.trim() === FINDINGS_MARKER);
  if (start < 0) return null;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.trim() === '');
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, 50);
}

/** @param {Context} ctx @param {number} outputTokens */
const tokens = (ctx, outputTokens) => ({ input: Math.ceil(ctx.prompt.length / 4), output: outputTokens });

/** @param {Context} ctx @param {string} relPath @param {string} text */
function writeWorkFile(ctx, relPath, text) {
  mkdirSync(path.dirname(path.join(ctx.cwd, relPath)), { recursive: true });
  writeFileSync(path.join(ctx.cwd, relPath), text);
}

/** @param {Context} ctx */
async function implement(ctx) {
  const dir = `sim-output/${ctx.wp}`;
  const subtasks = uniqueMatches(ctx.prompt, /\bT\d{3,}\b/g);
  const written = [];
  for (const id of subtasks.length > 0 ? subtasks : ['work']) {
    const file = `${dir}/${id}.md`;
    progress(`sim: ${ctx.wp} ${id}: writing ${file}`);
    writeWorkFile(
      ctx,
      file,
      `# ${ctx.wp} ${id}\n\nSubtask ${id} of ${ctx.wp}, done by the sim agent on attempt ${ctx.attempt}.\n`,
    );
    written.push(file);
    await sleep(ctx.stepMs);
  }
  const findings = findingsIn(ctx.prompt);
  if (findings) {
    const round = bump(ctx, `rework:${ctx.wp}`);
    const file = `${dir}/rework-${round}.md`;
    progress(`sim: ${ctx.wp}: addressing review findings in ${file}`);
    writeWorkFile(ctx, file, `# ${ctx.wp} rework ${round}\n\nAddressed:\n${findings.join('\n')}\n`);
    written.push(file);
  }
  progress(`sim: ${ctx.wp}: committing ${written.length} file(s)`);
  git(ctx.cwd, ['add', '--', ...written]);
  const message = `sim: implement ${ctx.wp} (attempt ${ctx.attempt})`;
  // --no-verify and no signing: the sim stands in for an agent to exercise the orchestrator; the repo's own
  // hooks and signing setup are not what it is testing and would make demo runs fail for unrelated reasons.
  git(ctx.cwd, [...GIT_IDENTITY, '-c', 'commit.gpgsign=false', 'commit', '--no-verify', '-q', '-m', message]);
  const sha = git(ctx.cwd, ['rev-parse', 'HEAD']);
  const summary = `Implemented ${ctx.wp}: ${written.length} file(s) under ${dir} (attempt ${ctx.attempt}).`;
  return { success: true, summary, commits: [sha], tokens: tokens(ctx, 40 + 25 * written.length) };
}

/** @param {Context} ctx */
async function review(ctx) {
  const dir = path.join(ctx.cwd, 'sim-output', ctx.wp);
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  progress(`sim: ${ctx.wp}: reviewing ${files.length} file(s) under sim-output/${ctx.wp}`);
  await sleep(ctx.stepMs);
  const reject = ctx.options.review === 'reject_once' && !ctx.state.rejected.includes(ctx.wp);
  if (reject) {
    ctx.state.rejected.push(ctx.wp);
    saveState(ctx.stateFile, ctx.state);
  }
  const location = files[0] ? `sim-output/${ctx.wp}/${files[0]}` : `sim-output/${ctx.wp}`;
  const verdict = reject
    ? {
        verdict: 'changes_requested',
        summary: `${ctx.wp} needs one more pass (simulated).`,
        findings: [{ location, message: 'Simulated finding: state which acceptance criteria this covers.' }],
      }
    : { verdict: 'approved', summary: `${ctx.wp} looks complete (simulated).`, findings: [] };
  const summary = `Review of ${ctx.wp}: ${verdict.verdict}.\n\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\``;
  return { success: true, summary, commits: [], tokens: tokens(ctx, 60), verdict };
}

/** @param {Context} ctx */
function shouldFail(ctx) {
  const { failFirst, failWps } = ctx.options;
  return ctx.attempt <= failFirst && (failWps === null || failWps.includes(ctx.wp));
}

/** Behave the way a failing agent does. Returns the exit code, or never returns (hang). @param {Context} ctx */
async function injectFailure(ctx) {
  const failure = /** @type {'crash'|'rate_limit'|'auth'|'hang'|'no_commit'|'garbage'} */ (
    ctx.options.failure
  );
  switch (failure) {
    case 'crash':
      process.stderr.write('Error: simulated crash\n');
      return 1;
    case 'rate_limit':
      process.stderr.write('Error: 429 Too Many Requests. Rate limit reached; try again in 2s\n');
      return 1;
    case 'auth':
      process.stderr.write('Error: 401 Unauthorized: invalid api key\n');
      return 1;
    case 'hang':
      // Print nothing and never finish: the executor's inactivity timeout has to catch this.
      await new Promise(() => setInterval(() => {}, 60_000));
      return 1;
    case 'no_commit':
      printResult({ success: true, summary: `Done with ${ctx.wp}.`, commits: [], tokens: tokens(ctx, 10) });
      return 0;
    case 'garbage':
      progress('Sure! I have finished everything you asked for.');
      progress('<<<simulated garbage: this is not the JSON you are looking for>>>');
      return 0;
  }
}

/** @param {{ success: boolean, summary: string, commits: string[], tokens: object, verdict?: object }} result */
function printResult(result) {
  const { verdict, ...rest } = result;
  const line = { type: 'result', ...rest, cost_usd: 0, ...(verdict ? { verdict } : {}) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** @param {{ role: Role, promptFile: string, options: SimOptions }} args */
async function run(args) {
  const prompt = readFileSync(args.promptFile, 'utf8');
  const cwd = process.cwd();
  const stateFile = path.join(path.resolve(cwd, git(cwd, ['rev-parse', '--git-dir'])), STATE_FILE);
  const wp = uniqueMatches(prompt, /\bWP\d+\b/g)[0] ?? 'WP00';
  const { durationMs, jitterMs } = args.options;
  const total = durationMs + Math.floor(seededFraction(wp) * jitterMs);
  const subtasks = uniqueMatches(prompt, /\bT\d{3,}\b/g).length;
  const steps = args.role === 'implementation' ? Math.max(subtasks, 1) + 1 : 2;
  /** @type {Context} */
  const ctx = { ...args, prompt, wp, cwd, stateFile, state: loadState(stateFile), attempt: 0, stepMs: 0 };
  ctx.stepMs = Math.floor(total / steps);
  ctx.attempt = bump(ctx, `${args.role}:${wp}`);
  progress(`sim: ${args.role} of ${wp}, attempt ${ctx.attempt}`);
  await sleep(ctx.stepMs);
  if (shouldFail(ctx)) return injectFailure(ctx);
  printResult(args.role === 'implementation' ? await implement(ctx) : await review(ctx));
  return 0;
}

function version() {
  const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  return existsSync(pkg) ? String(JSON.parse(readFileSync(pkg, 'utf8')).version) : 'unknown';
}

async function main() {
  // Stop promptly and quietly when the orchestrator stops us (timeout, abort): 128 + signal number.
  process.on('SIGTERM', () => process.exit(143));
  process.on('SIGINT', () => process.exit(130));
  try {
    const args = readArgs(process.argv.slice(2));
    if (args === null) {
      progress(`kitty-sim-agent ${version()}`);
      return 0;
    }
    return await run(args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kitty-sim-agent: ${message}\n`);
    return error instanceof UsageError ||
      /** @type {{ code?: string }} */ (error).code?.startsWith('ERR_PARSE_ARGS')
      ? 2
      : 1;
  }
}

process.exitCode = await main();
