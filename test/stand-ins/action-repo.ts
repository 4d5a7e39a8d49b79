import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFeature, type FeatureSpec } from '../helpers/feature-fixtures.js';

/** Repositories for action tests: a bare "origin" (GitHub's side) and fresh clones of it (what checkout makes). */

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export class TempDirs {
  private readonly dirs: string[] = [];
  async make(prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }
  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** The sim agent alone, fast, reviewing its own work; `options` go to agents.sim.options. */
export function simAgents(
  options: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): unknown {
  return {
    version: '1.0',
    agents: { sim: { max_concurrent: 3, options: { duration_ms: 30, ...options } } },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    fallback: { strategy: 'next_in_list', max_retries: 0, backoff_seconds: 0 },
    ...extra,
  };
}

/** Three WPs: WP02 after WP01, WP03 on its own. */
export const SHOP_FEATURE: FeatureSpec = {
  slug: '001-shop',
  wps: [
    { id: 'WP01', title: 'Cart model', subtasks: ['T001', 'T002'] },
    { id: 'WP02', title: 'Checkout page', dependencies: ['WP01'], subtasks: ['T003'] },
    { id: 'WP03', title: 'Receipts', subtasks: ['T004'] },
  ],
};

/** A bare origin whose main branch holds `feature` and an agents.yaml. */
export async function makeOrigin(temp: TempDirs, feature: FeatureSpec, agents: unknown): Promise<string> {
  const origin = await temp.make('kitty-origin-');
  git(origin, 'init', '-q', '--bare', '-b', 'main');
  const seed = await temp.make('kitty-seed-');
  git(seed, 'init', '-q', '-b', 'main');
  await writeFeature(seed, feature);
  await mkdir(path.join(seed, '.kittify'), { recursive: true });
  await writeFile(path.join(seed, '.kittify', 'agents.yaml'), stringify(agents));
  await writeFile(
    path.join(seed, '.gitignore'),
    '.kittify/logs/\n.kittify/orchestration/\n.kittify/orchestration-state.json*\n',
  );
  git(seed, 'add', '-A');
  git(
    seed,
    '-c',
    'user.name=Seed',
    '-c',
    'user.email=seed@example.invalid',
    'commit',
    '-q',
    '-m',
    'Plan the shop feature',
  );
  git(seed, 'remote', 'add', 'origin', origin);
  git(seed, 'push', '-q', 'origin', 'main');
  return origin;
}

/** A fresh clone on main, as a job's checkout step leaves it. */
export async function cloneWorkspace(temp: TempDirs, origin: string): Promise<string> {
  const dir = await temp.make('kitty-ws-');
  git(dir, 'clone', '-q', origin, '.');
  return dir;
}

/** Branch names on the origin. */
export function originBranches(origin: string): string[] {
  const out = git(origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads');
  return out ? out.split('\n') : [];
}

/** A `pull_request` payload for PR #7; `headRepo` other than octo/shop makes it a fork PR. */
export function pullRequestPayload(headSha: string, headRepo = 'octo/shop'): Record<string, unknown> {
  return {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: headSha, ref: 'feature', repo: { full_name: headRepo } },
      base: { sha: headSha, ref: 'main', repo: { full_name: 'octo/shop' } },
    },
    repository: { full_name: 'octo/shop', name: 'shop', owner: { login: 'octo' } },
  };
}
