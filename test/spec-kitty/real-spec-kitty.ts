import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

/**
 * A real spec-kitty 3.2.7 for the tests: found through SPEC_KITTY_BIN, the repo's `.venv-spec-kitty/` (which
 * `.ci/run` creates) or PATH. Without one the spec-kitty tests skip, saying why.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(import.meta.dirname, 'fixture', 'make-real-project.sh');

export function findSpecKitty(): string | null {
  const candidates = [process.env.SPEC_KITTY_BIN, path.join(ROOT, '.venv-spec-kitty', 'bin', 'spec-kitty')];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v spec-kitty'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export const SKIP_MESSAGE =
  'spec-kitty is not installed: these tests need spec-kitty-cli==3.2.7 (`.ci/run` installs it into ' +
  '.venv-spec-kitty/; or set SPEC_KITTY_BIN)';

const run = promisify(execFile);

/** The environment spec-kitty and the orchestrator run in: a private HOME, headless, no SaaS, no upgrade check. */
export function specKittyEnv(bin: string, home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    SPEC_KITTY_HOME: path.join(home, '.spec-kitty'),
    SPEC_KITTY_NON_INTERACTIVE: '1',
    SPEC_KITTY_ENABLE_SAAS_SYNC: '0',
    SPEC_KITTY_NO_UPGRADE_CHECK: '1',
    SPEC_KITTY_BIN: bin,
    COLUMNS: '200',
    PATH: `${path.dirname(bin)}:${process.env.PATH ?? ''}`,
    GIT_AUTHOR_NAME: 'tester',
    GIT_AUTHOR_EMAIL: 'tester@example.test',
    GIT_COMMITTER_NAME: 'tester',
    GIT_COMMITTER_EMAIL: 'tester@example.test',
  };
}

export interface SpecKittyProject {
  dir: string;
  slug: string;
  env: NodeJS.ProcessEnv;
  /** Runs spec-kitty in the project; resolves its exit code and output (never rejects on a non-zero exit). */
  sk(...args: string[]): Promise<{ code: number; out: string }>;
  /** `orchestrator-api <args>`'s envelope data. */
  api(...args: string[]): Promise<Record<string, unknown>>;
  /** spec-kitty's event log, parsed. */
  events(): Promise<Record<string, unknown>[]>;
}

/**
 * One project per test file (building one costs ~35 CPU-seconds of spec-kitty start-ups), copied per test.
 * The template has no worktrees yet, so a plain copy is a complete, independent repository.
 */
export async function buildTemplate(
  bin: string,
): Promise<{ dir: string; slug: string; dispose: () => Promise<void> }> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'kitty-sk-template-'));
  const dir = path.join(base, 'project');
  const { stdout } = await run('bash', [FIXTURE, dir], {
    env: { ...specKittyEnv(bin, path.join(base, 'home')), SK_HOME: path.join(base, 'home') },
    maxBuffer: 16 * 1024 * 1024,
  });
  const slug = stdout.trim().split('\n').at(-1) ?? '';
  return { dir, slug, dispose: () => rm(base, { recursive: true, force: true }) };
}

/** A fresh copy of the template with `agents` as .kittify/agents.yaml (kept out of git status by the test). */
export async function copyProject(
  bin: string,
  template: { dir: string; slug: string },
  agents: unknown,
): Promise<SpecKittyProject & { dispose: () => Promise<void> }> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'kitty-sk-'));
  const dir = path.join(base, 'project');
  await cp(template.dir, dir, { recursive: true, verbatimSymlinks: true });
  await mkdir(path.join(base, 'home'), { recursive: true });
  await writeFile(path.join(dir, '.kittify', 'agents.yaml'), stringify(agents));
  await writeFile(path.join(dir, '.git', 'info', 'exclude'), '.kittify/agents.yaml\n', { flag: 'a' });
  const env = specKittyEnv(bin, path.join(base, 'home'));
  const sk = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(bin, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };
  return {
    dir,
    slug: template.slug,
    env,
    sk,
    api: async (...args) => {
      const { out } = await sk('orchestrator-api', ...args);
      const line =
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .at(-1) ?? '{}';
      return JSON.parse(line) as Record<string, unknown>;
    },
    events: async () =>
      (await readFile(path.join(dir, 'kitty-specs', template.slug, 'status.events.jsonl'), 'utf8'))
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    dispose: () => rm(base, { recursive: true, force: true }),
  };
}

/** Each WP's lane in spec-kitty's own words (`orchestrator-api mission-state`). */
export async function missionLanes(project: SpecKittyProject): Promise<Record<string, string>> {
  const state = await project.api('mission-state', '--mission', project.slug);
  const wps = (state.data as { work_packages: { wp_id: string; lane: string }[] }).work_packages;
  return Object.fromEntries(wps.map((wp) => [wp.wp_id, wp.lane]));
}

/** Waits until no process runs with its working directory inside `dir` (Linux: /proc/<pid>/cwd). */
export async function waitForNoProcessIn(dir: string): Promise<void> {
  const inside = async () => {
    const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
    for (const pid of pids) {
      const cwd = await readlink(path.join('/proc', pid, 'cwd')).catch(() => '');
      if (cwd === dir || cwd.startsWith(`${dir}/`)) return true;
    }
    return false;
  };
  while (await inside()) await new Promise((r) => setTimeout(r, 100));
}
