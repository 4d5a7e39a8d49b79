/**
 * Compatibility check of our argv against the real agent CLIs (`npm run test:compat`; not part of `npm test`: the
 * full set is ~5 GB). Installs the CLIs from npm into a temp prefix, runs each with the argv our invokers build plus a
 * trivial prompt under a short timeout, with an empty HOME and no credentials, and shows the argv parsed: a correct
 * command fails on auth or network (or hangs retrying), a wrong flag fails at once as an unknown option. The same
 * argv plus `--bogus-flag-xyz` must be rejected, which proves the CLI checks its flags at all.
 *
 *   npm run test:compat -- [--only gemini,augment,kilocode@7.7.7] [--prefix DIR] [--timeout 20] [--samples DIR]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp as makeTemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agentSchema, type Role } from '../../src/config/schema.js';
import type { ProcessOutcome } from '../../src/executor/types.js';
import { getInvoker } from '../../src/agents/registry.js';
import type { AgentInvoker, InvocationRequest } from '../../src/agents/types.js';

/** npm package of each agent; `node22`: needs Node >= 22 to install and run. Cursor is not on npm. */
const PACKAGES: Record<string, { pkg: string; node22?: boolean }> = {
  'claude-code': { pkg: '@anthropic-ai/claude-code', node22: true },
  codex: { pkg: '@openai/codex' },
  copilot: { pkg: '@github/copilot' },
  gemini: { pkg: '@google/gemini-cli' },
  qwen: { pkg: '@qwen-code/qwen-code', node22: true },
  opencode: { pkg: 'opencode-ai' },
  kilocode: { pkg: '@kilocode/cli' },
  augment: { pkg: '@augmentcode/auggie' },
  pi: { pkg: '@mariozechner/pi-coding-agent' },
  letta: { pkg: '@letta-ai/letta-code', node22: true },
};

/** Temp dirs made for a run (work dirs, scratch dirs, the empty HOME); removed at the end. */
const made: string[] = [];
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  made.push(dir);
  return dir;
}

const UNKNOWN_FLAG =
  /unknown (?:option|argument|flag)|unexpected argument|invalid command format|unknown arguments?:|unrecognized (?:option|argument)|run \[message\.\.\]/i;

interface RunOutput extends ProcessOutcome {
  timedOut: boolean;
}

function run(
  argv: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; stdin: string | null; timeoutMs: number },
) {
  return new Promise<RunOutput>((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0] ?? '', argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: [opts.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (opts.stdin !== null) child.stdin?.end(opts.stdin);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        /* gone */
      }
    }, opts.timeoutMs);
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      const stoppedBy = timedOut ? 'wall_timeout' : null;
      resolve({ exitCode, signal, stdout, stderr, stoppedBy, durationMs: Date.now() - started, timedOut });
    };
    child.on('error', (error) => {
      stderr += String(error);
      finish(127, null);
    });
    child.on('close', finish);
  });
}

function npm(args: string[], env: NodeJS.ProcessEnv): Promise<RunOutput> {
  console.log(`$ npm ${args.join(' ')}`);
  return run(['npm', ...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: os.tmpdir(),
    env,
    stdin: null,
    timeoutMs: 30 * 60_000,
  });
}

/** A clean environment: no API keys or tokens of the developer's, an empty HOME, no TTY hints. */
function cleanEnv(home: string, pathDirs: string[]): NodeJS.ProcessEnv {
  return {
    PATH: [...pathDirs, process.env['PATH'] ?? ''].join(path.delimiter),
    HOME: home,
    TMPDIR: os.tmpdir(),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    CI: '1',
    NO_COLOR: '1',
  };
}

const firstLine = (text: string): string =>
  (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 70);

interface Row {
  agent: string;
  implementation: string;
  review: string;
  bogus: string;
  ok: boolean;
}

function describe(
  invoker: AgentInvoker,
  request: InvocationRequest,
  out: RunOutput,
): { text: string; ok: boolean } {
  const all = `${out.stdout}\n${out.stderr}`;
  if (UNKNOWN_FLAG.test(all)) return { text: `REJECTED: ${firstLine(out.stderr || out.stdout)}`, ok: false };
  if (out.timedOut) return { text: 'accepted (hung until killed)', ok: true };
  const result = invoker.parseOutcome(out, request);
  const cls = result.success ? 'success' : (result.errorClass ?? '?');
  return { text: `accepted, exit ${String(out.exitCode)} [${cls}]: ${firstLine(result.summary)}`, ok: true };
}

async function checkAgent(
  id: string,
  ctx: { binDir: string; env: NodeJS.ProcessEnv; timeoutMs: number; samples?: string },
) {
  const invoker = getInvoker(id);
  const binary = invoker.binaries.map((b) => path.join(ctx.binDir, b)).find((file) => existsSync(file));
  if (!binary) return { agent: id, implementation: 'not installed', review: '-', bogus: '-', ok: false };
  const cwd = await mkdtemp(path.join(os.tmpdir(), `kitty-compat-${id}-`));
  const outputs: Record<string, string> = {};
  const runRole = async (role: Role, extra: string[]) => {
    const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'kitty-compat-scratch-'));
    const agent = agentSchema.parse({ command: binary, extra_args: extra });
    const request: InvocationRequest = {
      role,
      prompt: 'Reply with the single word OK.',
      cwd,
      agent,
      scratchDir,
    };
    const invocation = invoker.buildInvocation(request);
    for (const [file, content] of Object.entries(invocation.files)) await writeFile(file, content);
    const env = { ...ctx.env, ...invocation.env };
    const out = await run(invocation.argv, { cwd, env, stdin: invocation.stdin, timeoutMs: ctx.timeoutMs });
    const key = `${id}-${role}${extra.length ? '-bogus' : ''}`;
    outputs[`${key}.stdout`] = out.stdout;
    outputs[`${key}.stderr`] =
      `${out.stderr}\n[exit ${String(out.exitCode)} signal ${String(out.signal)} timedOut ${String(out.timedOut)} ${out.durationMs}ms]\n`;
    return { request, out };
  };
  const impl = await runRole('implementation', []);
  const review = await runRole('review', []);
  const bogus = await runRole('implementation', ['--bogus-flag-xyz']);
  if (ctx.samples) {
    await mkdir(ctx.samples, { recursive: true });
    for (const [name, text] of Object.entries(outputs)) await writeFile(path.join(ctx.samples, name), text);
  }
  const implD = describe(invoker, impl.request, impl.out);
  const reviewD = describe(invoker, review.request, review.out);
  const bogusRejected = !bogus.out.timedOut && bogus.out.exitCode !== 0;
  const bogusText = bogusRejected
    ? `rejected, exit ${String(bogus.out.exitCode)}${UNKNOWN_FLAG.test(bogus.out.stdout + bogus.out.stderr) ? ' (unknown flag)' : ''}`
    : `NOT rejected (${bogus.out.timedOut ? 'hung' : `exit ${String(bogus.out.exitCode)}`})`;
  return {
    agent: id,
    implementation: implD.text,
    review: reviewD.text,
    bogus: bogusText,
    ok: implD.ok && reviewD.ok && bogusRejected,
  };
}

function printTable(rows: Row[]): void {
  const cols: (keyof Row)[] = ['agent', 'implementation', 'review', 'bogus'];
  const width = (col: keyof Row) => Math.max(col.length, ...rows.map((r) => String(r[col]).length));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(width(cols[i] ?? 'agent'))).join(' | ')} |`;
  console.log(line(cols));
  console.log(line(cols.map((c) => '-'.repeat(width(c)))));
  for (const row of rows) console.log(line(cols.map((c) => String(row[c]))));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      prefix: { type: 'string' },
      timeout: { type: 'string', default: '20' },
      samples: { type: 'string' },
    },
  });
  // `id@version` pins a release (a fresh one may lack its platform packages on the registry for a while).
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(PACKAGES);
  const pins = new Map(wanted.map((w) => [w.replace(/@[^@]*$/, ''), /@([^@]+)$/.exec(w)?.[1]]));
  const ids = [...pins.keys()];
  for (const id of ids)
    if (!PACKAGES[id])
      throw new Error(`no npm package known for "${id}"; known: ${Object.keys(PACKAGES).join(', ')}`);
  const prefix = values.prefix ?? (await makeTemp(path.join(os.tmpdir(), 'kitty-compat-prefix-')));
  const home = await mkdtemp(path.join(os.tmpdir(), 'kitty-compat-home-'));
  const binDir = path.join(prefix, 'node_modules', '.bin');
  const nodeBin = path.join(prefix, 'node_modules', 'node', 'bin');
  const needs22 = ids.some((id) => PACKAGES[id]?.node22) && Number(process.versions.node.split('.')[0]) < 22;
  const env = cleanEnv(home, needs22 ? [nodeBin, binDir] : [binDir]);
  const installEnv = { ...process.env, PATH: env['PATH'] };
  if (needs22 && !existsSync(path.join(nodeBin, 'node')))
    await npm(['install', '--prefix', prefix, 'node@22'], installEnv);
  // One install per package: a broken dependency of one CLI must not hide the others.
  const installFailed = new Map<string, string>();
  for (const id of ids) {
    const pin = pins.get(id);
    const spec = `${PACKAGES[id]?.pkg ?? id}${pin ? `@${pin}` : ''}`;
    const install = await npm(['install', '--prefix', prefix, spec], installEnv);
    if (install.exitCode !== 0) {
      const lines = install.stderr.split('\n').filter((l) => /notarget|ETARGET|ERR!|error/i.test(l));
      installFailed.set(
        id,
        firstLine(lines.find((l) => /notarget/i.test(l)) ?? lines.pop() ?? 'unknown error'),
      );
    }
  }
  const timeoutMs = Number(values.timeout) * 1000;
  const rows: Row[] = [];
  for (const id of ids) {
    console.log(`checking ${id}…`);
    const failed = installFailed.get(id);
    if (failed) {
      rows.push({
        agent: id,
        implementation: `npm install failed: ${failed}`,
        review: '-',
        bogus: '-',
        ok: false,
      });
      continue;
    }
    rows.push(
      await checkAgent(id, {
        binDir,
        env,
        timeoutMs,
        ...(values.samples ? { samples: values.samples } : {}),
      }),
    );
  }
  printTable(rows);
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  console.log(`\nprefix: ${prefix} (delete it when done)`);
  return rows.every((row) => row.ok) ? 0 : 1;
}

process.exitCode = await main();
