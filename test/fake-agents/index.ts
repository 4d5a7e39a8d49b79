/**
 * Fake agent CLIs for tests: `installFakeAgents(dir, scenario)` writes executables named like the real CLIs
 * (`claude`, `codex`, …) into `dir`; put `dir` first on PATH (`pathWith`) and the code under test runs them
 * exactly as it would run the real ones. Each fake parses argv like its CLI, reads the prompt from where its CLI
 * does, and plays the next behaviour of its list in the scenario, printing in its CLI's real output format.
 * Every invocation is logged (`readInvocations`). Implementation: test/fake-agents/bin/fake-agent.mjs.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The executables the kit installs: one per agent CLI the orchestrator knows. */
export const FAKE_AGENT_NAMES = [
  'claude',
  'codex',
  'copilot',
  'gemini',
  'qwen',
  'opencode',
  'kilo',
  'auggie',
  'cursor-agent',
  'pi',
  'letta',
] as const;
export type FakeAgentName = (typeof FAKE_AGENT_NAMES)[number];

/**
 * What one invocation does. `success` writes and commits a file in cwd; `review_*` answer with a fenced json
 * verdict; `rate_limit` / `auth` fail the way the real CLI does; `garbage` prints non-JSON and exits 0;
 * `partial_then_hang` prints a first line then sleeps forever; `ignore_sigterm` also ignores SIGTERM (printing
 * "fake agent: ignoring SIGTERM") and has a grandchild `sleep`; `crash` exits 1, `crash_signal` dies by SIGKILL;
 * `offline` behaves like the real CLI with no network: codex prints its start events and then a "Reconnecting…
 * waiting for network" error event every FAKE_AGENT_RECONNECT_MS (default 1000), the others print nothing; none
 * ever exits. `auto` (the default) reviews (approves) when the prompt mentions a verdict and does `success` otherwise.
 */
export const FAKE_BEHAVIOURS = [
  'auto',
  'success',
  'review_approve',
  'review_reject',
  'rate_limit',
  'auth',
  'garbage',
  'partial_then_hang',
  'ignore_sigterm',
  'crash',
  'crash_signal',
  'offline',
] as const;
export type FakeBehaviour = (typeof FAKE_BEHAVIOURS)[number];

/**
 * Behaviours per agent, consumed one per invocation; the last one repeats. `*` applies to agents not listed;
 * an agent in neither plays `auto`.
 */
export type FakeScenario = Partial<Record<FakeAgentName | '*', FakeBehaviour[]>>;

/** One line of the invocation log. */
export interface FakeInvocation {
  agent: FakeAgentName;
  argv: string[];
  cwd: string;
  pid: number;
  /** The behaviour played, or `refused` when argv/preflight was rejected before any work. */
  behaviour: FakeBehaviour | 'refused';
  prompt?: string;
  /** For `ignore_sigterm`: the pid of the `sleep` it spawned. */
  grandchildPid?: number;
  exitCode?: number;
}

export interface FakeAgents {
  /** The directory holding the executables (put it on PATH). */
  binDir: string;
  scenarioFile: string;
  invocationLog: string;
  /** `base` (default process.env) with binDir first on PATH and the scenario selected. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

const IMPLEMENTATION = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bin', 'fake-agent.mjs');
const SCENARIO_FILE = 'scenario.json';

/**
 * Write the fake executables (all, or `options.agents`) and `scenario` into `dir`. The scenario path is baked
 * into each executable, so the fakes work even under an environment that drops FAKE_AGENT_SCENARIO (which,
 * when set, still wins). Installing again into the same dir replaces the scenario and resets its counters.
 */
export async function installFakeAgents(
  dir: string,
  scenario: FakeScenario = {},
  options: { agents?: readonly FakeAgentName[] } = {},
): Promise<FakeAgents> {
  await mkdir(dir, { recursive: true });
  const scenarioFile = path.join(dir, SCENARIO_FILE);
  await setScenario(scenarioFile, scenario);
  const implementation = pathToFileURL(IMPLEMENTATION).href;
  for (const name of options.agents ?? FAKE_AGENT_NAMES) {
    const file = path.join(dir, name);
    const script =
      `#!/usr/bin/env node\n// Fake \`${name}\` for tests; see test/fake-agents/index.ts.\n` +
      `import { main } from ${JSON.stringify(implementation)};\n` +
      `await main(${JSON.stringify(name)}, ${JSON.stringify(scenarioFile)});\n`;
    await writeFile(file, script);
    await chmod(file, 0o755);
  }
  return {
    binDir: dir,
    scenarioFile,
    invocationLog: logPath(scenarioFile),
    env: (base = process.env) => ({ ...pathWith(dir, base), FAKE_AGENT_SCENARIO: scenarioFile }),
  };
}

/** Replace a scenario (e.g. between the steps of a test) and reset its counters and invocation log. */
export async function setScenario(scenarioFile: string, scenario: FakeScenario): Promise<void> {
  const base = scenarioFile.replace(/\.json$/, '');
  await Promise.all(
    [`${base}.state.json`, `${base}.invocations.jsonl`].map((file) => rm(file, { force: true })),
  );
  await writeFile(scenarioFile, `${JSON.stringify(scenario, null, 2)}\n`);
}

const logPath = (scenarioFile: string): string => `${scenarioFile.replace(/\.json$/, '')}.invocations.jsonl`;

/** The invocations logged so far, oldest first. `where`: the install dir or the scenario file. */
export async function readInvocations(where: string): Promise<FakeInvocation[]> {
  const scenarioFile = where.endsWith('.json') ? where : path.join(where, SCENARIO_FILE);
  let text: string;
  try {
    text = await readFile(logPath(scenarioFile), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FakeInvocation);
}

/** A copy of `env` (default process.env) with `dir` first on PATH. */
export function pathWith(dir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const current = env.PATH ?? '';
  return { ...env, PATH: current === '' ? dir : `${dir}${path.delimiter}${current}` };
}
