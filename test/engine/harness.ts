/**
 * Integration harness: a real git repo in a temp dir holding a feature, an agents.yaml, fake agent CLIs on PATH,
 * and the real engine wired by runFeature.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { stringify } from 'yaml';
import type { Logger } from '../../src/engine/types.js';
import { runFeature, type RunFeatureOptions } from '../../src/run-feature.js';
import { installFakeAgents, type FakeScenario } from '../fake-agents/index.js';
import { writeFeature, type FeatureSpec } from '../helpers/feature-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

export const silentLogger: Logger & { warnings: string[] } = Object.assign(
  { info: () => undefined, debug: () => undefined, warnings: [] as string[] },
  {
    warn(message: string) {
      silentLogger.warnings.push(message);
    },
  },
);

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

export interface TestRepo {
  dir: string;
  slug: string;
  env: NodeJS.ProcessEnv;
  fakes: Awaited<ReturnType<typeof installFakeAgents>> | null;
  run(extra?: Partial<RunFeatureOptions>): ReturnType<typeof runFeature>;
}

/** A repo with `feature` committed on main, `agents` as .kittify/agents.yaml and, if given, fake agents on PATH. */
export async function makeRepo(
  feature: FeatureSpec,
  agents: unknown,
  scenario?: FakeScenario,
): Promise<TestRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-engine-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  await writeFeature(dir, feature);
  await mkdir(path.join(dir, '.kittify'), { recursive: true });
  await writeFile(path.join(dir, '.kittify', 'agents.yaml'), stringify(agents));
  await writeFile(path.join(dir, '.gitignore'), '.kittify/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature');
  let env: NodeJS.ProcessEnv = { ...process.env };
  let fakes = null;
  if (scenario) {
    const bin = path.join(dir, '..', `${path.basename(dir)}-bin`);
    cleanups.push(() => rm(bin, { recursive: true, force: true }));
    fakes = await installFakeAgents(bin, scenario);
    // Only the fakes: a real agent CLI installed on this machine must never be picked up by a test.
    env = fakes.env({ ...process.env, PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` });
  }
  return {
    dir,
    slug: feature.slug,
    env,
    fakes,
    run: (extra = {}) =>
      runFeature({ repoDir: dir, feature: feature.slug, logger: silentLogger, env, ...extra }),
  };
}

/** A chain-free feature of `n` WPs with one subtask each. */
export function independentWps(n: number, slug = '001-parallel'): FeatureSpec {
  return {
    slug,
    wps: Array.from({ length: n }, (_, i) => {
      const id = `WP${String(i + 1).padStart(2, '0')}`;
      return { id, title: `Part ${i + 1}`, subtasks: [`T${String(i + 1).padStart(3, '0')}`] };
    }),
  };
}

/** sim-only config with the given sim options. */
export function simConfig(
  options: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): unknown {
  return {
    version: '1.0',
    agents: { sim: { max_concurrent: 4, options: { duration_ms: 50, ...options } } },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    fallback: { strategy: 'next_in_list', max_retries: 1, backoff_seconds: 0 },
    ...extra,
  };
}
