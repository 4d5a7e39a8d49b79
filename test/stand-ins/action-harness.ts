/**
 * Runs the action's steps the way the runner does: inputs as `INPUT_*` variables, the `GITHUB_*` context, file
 * commands (outputs, state, job summary) in files, the post step given the main step's saved state as
 * `STATE_*`; pointed at the local GitHub API and cache service stand-ins. A step runs in-process (the entry's
 * `main`/`post` with the environment swapped in: fast) or, as the runner really does it, in a child `node`
 * process, from the source or from the committed bundle (for signals, kills and the bundle itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../../src/action/main.js';
import { post } from '../../src/action/post.js';
import type { SummaryWriter } from '../../src/report/sinks/job-summary.js';
import { createGitHubClient } from '../../src/github/client.js';
import type { CacheServiceStandIn } from './cache-service.js';
import { fastThrottle } from './fast-throttle.js';
import type { GitHubStandIn } from './github-api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_ENTRY = path.join(ROOT, 'src', 'action', 'index.ts');
/** The committed bundle, as `uses:` runs it. */
export const DIST_ENTRY = path.join(ROOT, 'dist', 'index.js');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * For tests that run several steps or child processes: they take seconds, but on a machine busy with other test
 * files each process start can take several times longer, and the default timeout would call that a failure.
 */
export const E2E_TIMEOUT_MS = 90_000;

export interface JobOptions {
  workspace: string;
  gh: GitHubStandIn;
  cache: CacheServiceStandIn;
  /** Inputs by their action.yml names; unset ones are passed as '' like the runner does for defaults-less inputs. */
  inputs: Record<string, string>;
  eventName: string;
  payload: Record<string, unknown>;
  runId: string;
  runAttempt: string;
  sha: string;
  ref: string;
  /**
   * How steps run: in this process (default; GitHub writes without the one-a-second spacing), or as a child
   * process from the source (through tsx) or from the bundle in dist/.
   */
  runner?: 'in-process' | 'source' | 'dist';
}

export interface Job {
  options: JobOptions;
  runnerTemp: string;
  /** The main step's state file (GITHUB_STATE), read for the post step. */
  stateFile: string;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  errors: string[];
  warnings: string[];
}

/** A job: its runner temp dir, event payload and state file. */
export async function setUpJob(options: JobOptions): Promise<Job> {
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'kitty-runner-'));
  await writeFile(path.join(runnerTemp, 'event.json'), JSON.stringify(options.payload));
  const stateFile = path.join(runnerTemp, 'state.env');
  await writeFile(stateFile, '');
  return { options, runnerTemp, stateFile };
}

/** Parse a file-command file (`name<<DELIM\nvalue\nDELIM` or `name=value` lines) into a record. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      result[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return result;
}

/** The machine's environment without anything that would make the child think it runs in some other job. */
function baseEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        !/^(GITHUB_|ACTIONS_|INPUT_|STATE_|RUNNER_|HTTPS?_PROXY|NO_PROXY|CI$)/i.test(entry[0]),
    ),
  );
}

async function stepEnv(job: Job, step: 'main' | 'post', files: { output: string; summary: string }) {
  const o = job.options;
  const inputs = Object.fromEntries(
    Object.entries(o.inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
  const state =
    step === 'post'
      ? Object.fromEntries(
          Object.entries(parseFileCommands(await readFile(job.stateFile, 'utf8'))).map(([k, v]) => [
            `STATE_${k}`,
            v,
          ]),
        )
      : {};
  return {
    ...baseEnv(),
    ...o.cache.env(job.runnerTemp),
    ...inputs,
    ...state,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: path.join(job.runnerTemp, 'event.json'),
    GITHUB_SHA: o.sha,
    GITHUB_REF: o.ref,
    GITHUB_RUN_ID: o.runId,
    GITHUB_RUN_ATTEMPT: o.runAttempt,
    GITHUB_API_URL: o.gh.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: job.stateFile,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: path.join(job.runnerTemp, `${step}.env`),
    GITHUB_PATH: path.join(job.runnerTemp, `${step}.path`),
  };
}

export interface StepOptions {
  /** Overrides the job's runner for this step. */
  runner?: JobOptions['runner'];
  /** Gets the child process, to send it signals (child runners only). */
  control?: (child: ChildProcess) => void;
}

/**
 * Run one step of the job to its end. The result holds what the step wrote: outputs, job summary, and the error
 * and warning annotations it printed.
 */
export async function runStep(
  job: Job,
  step: 'main' | 'post',
  options: StepOptions = {},
): Promise<StepResult> {
  const dir = path.join(job.runnerTemp, `${step}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  const files = { output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md') };
  await Promise.all([writeFile(files.output, ''), writeFile(files.summary, '')]);
  await Promise.all(
    ['main.env', 'main.path', 'post.env', 'post.path'].map((f) =>
      writeFile(path.join(job.runnerTemp, f), '', { flag: 'a' }),
    ),
  );
  const env = await stepEnv(job, step, files);
  const runner = options.runner ?? job.options.runner ?? 'in-process';
  const ran =
    runner === 'in-process'
      ? await runInProcess(job, step, env, files.summary)
      : await runChild(job, runner, env, options.control);
  const annotations = (kind: string) =>
    ran.stdout
      .split('\n')
      .filter((l) => l.startsWith(`::${kind}`))
      .map((l) => l.replace(/^::[^:]*::/, '').replace(/%0A/g, '\n'));
  return {
    ...ran,
    outputs: parseFileCommands(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    errors: annotations('error'),
    warnings: annotations('warning'),
  };
}

type Ran = Pick<StepResult, 'exitCode' | 'signal' | 'stdout' | 'stderr'>;

async function runChild(
  job: Job,
  runner: 'source' | 'dist',
  env: Record<string, string>,
  control?: (child: ChildProcess) => void,
): Promise<Ran> {
  const args = runner === 'dist' ? [DIST_ENTRY] : ['--import', TSX, SOURCE_ENTRY];
  const child = spawn(process.execPath, args, {
    cwd: job.options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  control?.(child);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  return { exitCode, signal, stdout, stderr };
}

/** A job summary written to this step's file (core.summary remembers the first file it was given). */
function fileSummary(file: string): SummaryWriter {
  let buffer = '';
  const writer: SummaryWriter = {
    emptyBuffer: () => ((buffer = ''), writer),
    addRaw: (text, addEOL) => ((buffer += addEOL ? `${text}\n` : text), writer),
    write: async () => writeFile(file, buffer),
  };
  return writer;
}

/**
 * The step in this process: the environment and working directory swapped in, stdout captured (where the
 * workflow commands go), the exit code taken from `process.exitCode` as the runner would, then all restored.
 */
async function runInProcess(
  job: Job,
  step: 'main' | 'post',
  env: Record<string, string>,
  summary: string,
): Promise<Ran> {
  const saved = { env: process.env, cwd: process.cwd(), write: process.stdout.write.bind(process.stdout) };
  let stdout = '';
  process.env = { ...env };
  process.chdir(job.options.workspace);
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.exitCode = undefined;
  try {
    const overrides = {
      summary: fileSummary(summary),
      createClient: (token: string, options: Parameters<typeof createGitHubClient>[1]) =>
        createGitHubClient(token, { ...options, throttle: fastThrottle() }),
    };
    await (step === 'main' ? main(overrides) : post(overrides));
    const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
    return { exitCode, signal: null, stdout, stderr: '' };
  } finally {
    process.exitCode = undefined;
    process.stdout.write = saved.write;
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
}
