/**
 * Throwaway git repos for the engine benchmark: a feature (the shipped demo, or a generated DAG) committed on
 * main, and an agents.yaml that runs everything with the built-in sim agent in single-agent mode.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { makeLayeredDag, writeDagFeature } from './dag-feature.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_SLUG = '001-checkout-flow';

/** What the sim agent and the engine are told; printed with the results. */
export interface SimSettings {
  durationMs: number;
  jitterMs: number;
  /** agents.sim.max_concurrent: agent processes at once (implementation and review share it). */
  maxConcurrent: number;
  /** global.concurrency: WPs in flight at once. */
  concurrency: number;
}

/** The feature to run: the demo, or a layered DAG of `wps` WPs. */
export type BenchFeature = { kind: 'demo' } | { kind: 'dag'; wps: number; seed: number };

/** sim only, single-agent mode with no delay, no retries worth speaking of (nothing fails). */
export function simAgentsYaml(s: SimSettings): string {
  return stringify({
    version: '1.0',
    agents: {
      sim: {
        roles: ['implementation', 'review'],
        max_concurrent: s.maxConcurrent,
        options: { duration_ms: s.durationMs, jitter_ms: s.jitterMs },
      },
    },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    fallback: { strategy: 'next_in_list', max_retries: 1, backoff_seconds: 0 },
    global: { concurrency: s.concurrency },
  });
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execFileAsync('git', args, { cwd });
}

/** Make the repo in `dir` (which must exist and be empty) and return the feature's slug. */
export async function createBenchRepo(
  dir: string,
  feature: BenchFeature,
  settings: SimSettings,
): Promise<string> {
  let slug = DEMO_SLUG;
  if (feature.kind === 'demo') {
    await cp(path.join(ROOT, 'demo', 'kitty-specs', DEMO_SLUG), path.join(dir, 'kitty-specs', DEMO_SLUG), {
      recursive: true,
    });
  } else {
    slug = `900-dag-${feature.wps}`;
    await writeDagFeature(dir, slug, makeLayeredDag({ wps: feature.wps, seed: feature.seed }));
  }
  await mkdir(path.join(dir, '.kittify'), { recursive: true });
  await writeFile(path.join(dir, '.kittify', 'agents.yaml'), simAgentsYaml(settings));
  await writeFile(path.join(dir, '.gitignore'), '.kittify/\n');
  await writeFile(path.join(dir, 'README.md'), '# Engine benchmark repo\n');
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.name', 'kitty bench');
  await git(dir, 'config', 'user.email', 'bench@example.invalid');
  await git(dir, 'config', 'commit.gpgsign', 'false');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'benchmark feature');
  return slug;
}
