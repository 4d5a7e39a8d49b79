// One implementation behind every fake agent CLI on PATH in tests (`claude`, `codex`, … written by
// test/fake-agents/index.ts as tiny wrappers that call `main(name, scenarioFile)`). It parses argv like the real
// CLI (unknown flags are rejected the real way), reads the prompt from where the real CLI does, then plays the
// behaviour the scenario gives this invocation, printing in the real CLI's output format.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLIS, flagValue, parseCliArgs } from './clis.mjs';
import { RENDERERS } from './formats.mjs';
import { logInvocation, nextBehaviour } from './scenario.mjs';

/**
 * @typedef {import('./clis.mjs').Exit} Exit
 * @typedef {import('./clis.mjs').ParsedArgs} ParsedArgs
 * @typedef {{ name: string, args: ParsedArgs, cwd: string, prompt: string, n: number, format: string }} Run
 */

const GIT_IDENTITY = ['-c', 'user.name=Fake Agent', '-c', 'user.email=fake-agent@example.invalid'];

/** @param {string} name @param {string} [defaultScenario] */
export async function main(name, defaultScenario) {
  const spec = CLIS[name];
  if (!spec) throw new Error(`fake agent: unknown agent name ${name}`);
  const argv = process.argv.slice(2);
  if (argv.includes('--version') || (argv.length === 1 && ['-v', '-V'].includes(String(argv[0])))) {
    return finish({ stdout: `${spec.version}\n`, code: 0 });
  }
  const scenarioFile = process.env.FAKE_AGENT_SCENARIO || defaultScenario;
  const base = { agent: name, argv, cwd: process.cwd(), pid: process.pid };
  const parsed = parseCliArgs(spec, argv);
  const refusal = parsed.ok ? preflight(name, parsed.args) : parsed.exit;
  if (refusal || !parsed.ok) {
    logInvocation(scenarioFile, { ...base, behaviour: 'refused', exitCode: refusal?.code });
    return finish(/** @type {Exit} */ (refusal));
  }
  const args = parsed.args;
  const cwd = path.resolve(String(flagValue(args, '-C', '--cd') ?? process.cwd()));
  const prompt = await readPrompt(name, args);
  const { behaviour, n } = nextBehaviour(scenarioFile, name);
  const played =
    behaviour === 'auto' ? (/\bverdict\b/i.test(prompt) ? 'review_approve' : 'success') : behaviour;
  const grandchildPid = played === 'ignore_sigterm' ? spawnGrandchild() : undefined;
  logInvocation(scenarioFile, { ...base, cwd, behaviour: played, prompt, grandchildPid });
  const format = String(
    spec.formatFlag
      ? (flagValue(args, spec.formatFlag, '-o') ?? 'text')
      : args.flags.has('--json')
        ? 'json'
        : 'text',
  );
  return play({ name, args, cwd, prompt, n, format }, played);
}

/** Refusals the real CLIs make before doing anything. @param {string} name @param {ParsedArgs} args */
function preflight(name, args) {
  const has = (/** @type {string[]} */ ...flags) => flags.some((flag) => args.flags.has(flag));
  const oneShot = CLIS[name]?.oneShot;
  if (oneShot && !has(...oneShot)) {
    return { stderr: `fake ${name}: only the one-shot mode (${oneShot[0]}) is implemented\n`, code: 2 };
  }
  if (name === 'claude') {
    if (has('--dangerously-skip-permissions') && process.getuid?.() === 0 && process.env.IS_SANDBOX !== '1') {
      return {
        stderr:
          '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
        code: 1,
      };
    }
    if (flagValue(args, '--output-format') === 'stream-json' && !has('--verbose')) {
      return {
        stderr: 'Error: When using --print, --output-format=stream-json requires --verbose\n',
        code: 1,
      };
    }
  }
  if (name === 'gemini' && !has('--skip-trust') && process.env.GEMINI_CLI_TRUST_WORKSPACE !== 'true') {
    const text =
      'Gemini CLI is not running in a trusted directory. To proceed, pass --skip-trust or trust this folder.';
    return { stderr: `${text}\n`, code: 55 };
  }
  if (name === 'codex' && !has('--skip-git-repo-check') && !insideGitRepo(process.cwd())) {
    return {
      stderr: 'Not inside a trusted directory and --skip-git-repo-check was not specified.\n',
      code: 1,
    };
  }
  return null;
}

/** The prompt, from where the real CLI takes it. @param {string} name @param {ParsedArgs} args */
async function readPrompt(name, args) {
  const spec = CLIS[name];
  const flagged = spec?.promptFlag ? flagValue(args, spec.promptFlag, '--prompt') : undefined;
  const positional = args.positionals
    .filter((arg) => arg !== '-')
    .map((arg) => (name === 'pi' ? expandAtFile(arg) : arg));
  const fromArgs = typeof flagged === 'string' ? flagged : positional.join(' ');
  switch (spec?.prompt) {
    case 'arg':
      return fromArgs;
    case 'stdin-and-arg':
      return [await readStdin(), fromArgs].filter(Boolean).join('\n\n');
    default:
      return fromArgs || (await readStdin());
  }
}

/** pi reads `@path` arguments as file contents. @param {string} arg */
const expandAtFile = (arg) =>
  arg.startsWith('@') && existsSync(arg.slice(1)) ? readFileSync(arg.slice(1), 'utf8') : arg;

/** Read stdin to EOF, as the real CLIs do when it is not a terminal (so an open pipe blocks, like pi's). */
async function readStdin() {
  if (process.stdin.isTTY) return '';
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** @param {Run} run @param {string} behaviour */
async function play(run, behaviour) {
  const renderer = /** @type {import('./output.mjs').Renderer} */ (RENDERERS[run.name]);
  switch (behaviour) {
    case 'success':
      return finishOk(run, doWork(run));
    case 'review_approve':
    case 'review_reject':
      return finishOk(run, review(run, behaviour === 'review_approve'));
    case 'rate_limit':
    case 'auth':
      return finish(renderer.fail(behaviour, run.format));
    case 'garbage':
      return finish({ stdout: 'Sure! Here is what I did:\n{{{ definitely not json\n', code: 0 });
    case 'partial_then_hang':
      process.stdout.write(renderer.partial(run.format));
      return hang();
    case 'ignore_sigterm':
      process.on('SIGTERM', () => process.stdout.write('fake agent: ignoring SIGTERM\n'));
      process.stdout.write(renderer.partial(run.format));
      return hang();
    case 'crash':
      return finish({
        stderr:
          "TypeError: Cannot read properties of undefined (reading 'content')\n    at fake (agent.js:1:1)\n",
        code: 1,
      });
    case 'offline':
      return offline(run);
    case 'crash_signal':
      process.kill(process.pid, 'SIGKILL');
      return hang();
    default:
      throw new Error(`fake agent: unhandled behaviour ${behaviour}`);
  }
}

/** Real work, like an agent's: one new file, committed in the working directory. @param {Run} run */
function doWork(run) {
  const file = `fake-output/${run.name}-${run.n}.md`;
  mkdirSync(path.join(run.cwd, 'fake-output'), { recursive: true });
  writeFileSync(
    path.join(run.cwd, file),
    `# ${run.name} invocation ${run.n}\n\n${run.prompt.split('\n')[0] ?? ''}\n`,
  );
  if (!insideGitRepo(run.cwd)) return { text: `Done. I wrote ${file}.`, files: [file] };
  git(run.cwd, ['add', '--', file]);
  git(run.cwd, [
    ...GIT_IDENTITY,
    '-c',
    'commit.gpgsign=false',
    'commit',
    '--no-verify',
    '-q',
    '-m',
    `${run.name}: fake work ${run.n}`,
  ]);
  const sha = git(run.cwd, ['rev-parse', '--short', 'HEAD']);
  return { text: `Done. I wrote ${file} and committed it (${sha}).`, files: [file] };
}

/**
 * A verdict the way reviewers are asked to give it: a fenced json block in the answer. With the CLIs'
 * structured-output flags it also comes back the way those flags make it: claude `--json-schema` adds
 * `structured_output`; codex `--output-schema` makes the final message the bare JSON.
 * @param {Run} run @param {boolean} approve
 */
function review(run, approve) {
  const verdict = approve
    ? { verdict: 'approved', summary: 'Looks good (fake review).', findings: [] }
    : {
        verdict: 'changes_requested',
        summary: 'One thing to fix (fake review).',
        findings: [{ location: 'README.md:1', message: 'Fake finding: describe the change.' }],
      };
  if (run.name === 'codex' && run.args.flags.has('--output-schema'))
    return { text: JSON.stringify(verdict), files: [] };
  const text = `I reviewed the changes.\n\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\``;
  const structured = run.name === 'claude' && run.args.flags.has('--json-schema') ? verdict : undefined;
  return { text, files: [], structured };
}

/** @param {Run} run @param {{ text: string, files: string[], structured?: object }} work */
function finishOk(run, work) {
  const lastMessage = flagValue(run.args, '--output-last-message', '-o');
  if (run.name === 'codex' && typeof lastMessage === 'string') writeFileSync(lastMessage, `${work.text}\n`);
  const tokens = { input: Math.ceil(run.prompt.length / 4), output: 42 + run.n };
  // FAKE_AGENT_COST_USD: a fixed cost per invocation (budget tests); else one from the tokens.
  const fixed = process.env.FAKE_AGENT_COST_USD;
  const costUsd = fixed ? Number(fixed) : Number(((tokens.input * 3 + tokens.output * 15) / 1e6).toFixed(6));
  const done = { ...work, sessionId: `fake-${run.name}-${run.n}`, tokens, costUsd };
  return finish(/** @type {import('./output.mjs').Renderer} */ (RENDERERS[run.name]).ok(done, run.format));
}

function spawnGrandchild() {
  // Same process group as this fake: stopping the group must take it down too.
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  return child.pid;
}

/**
 * No network, the way the real CLIs show it (../shared/agent-transcripts/runs/codex-offline-400s.*): codex's JSON
 * mode starts a thread and then reports reconnect attempts forever; opencode, kilo and the rest print nothing.
 * @param {Run} run
 */
function offline(run) {
  if (run.name !== 'codex' || run.format !== 'json') return hang();
  const say = (/** @type {object} */ event) => process.stdout.write(`${JSON.stringify(event)}\n`);
  say({ type: 'thread.started', thread_id: `fake-offline-${run.n}` });
  say({ type: 'turn.started' });
  const notice = 'Reconnecting... waiting for network (Connection failed: error sending request)';
  setInterval(
    () => say({ type: 'error', message: notice }),
    Number(process.env.FAKE_AGENT_RECONNECT_MS ?? 1000),
  );
  return hang();
}

/** Never finish (until killed): a timer keeps the event loop alive. @returns {Promise<never>} */
const hang = () => new Promise(() => setInterval(() => {}, 60_000));

/** @param {string} cwd */
function insideGitRepo(cwd) {
  try {
    git(cwd, ['rev-parse', '--git-dir']);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} cwd @param {string[]} args */
const git = (cwd, args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** @param {Exit} exit */
function finish(exit) {
  if (exit.stdout) process.stdout.write(exit.stdout);
  if (exit.stderr) process.stderr.write(exit.stderr);
  process.exitCode = exit.code;
}
