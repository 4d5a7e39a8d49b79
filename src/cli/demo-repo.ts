import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { KittyError } from '../errors.js';

const run = promisify(execFile);

export const DEMO_FEATURE = '001-checkout-flow';

/** The demo feature shipped with the package (demo/kitty-specs/…), found from src/ or build/. */
function demoFeatureDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'demo', 'kitty-specs', DEMO_FEATURE);
}

export interface DemoRepoOptions {
  /** Where to make the repo (default: a new temp dir). */
  dir?: string | undefined;
  /** The sim agent's time per invocation. */
  durationMs: number;
}

/** The sim agent only: it implements by writing a file per subtask and committing, and it reviews. */
function demoConfig(durationMs: number): unknown {
  return {
    version: '1.0',
    agents: {
      sim: {
        roles: ['implementation', 'review'],
        max_concurrent: 4,
        options: { duration_ms: durationMs, jitter_ms: Math.round(durationMs / 2) },
      },
    },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    global: { concurrency: 4 },
  };
}

/** A new or empty directory for the demo: it writes files and commits, so it must never land in a real repo. */
async function emptyDir(dir: string): Promise<string> {
  const repo = path.resolve(dir);
  const entries = await readdir(repo).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new KittyError('usage', `--dir ${dir}: ${error.message}`);
  });
  if (entries.length > 0) {
    throw new KittyError(
      'usage',
      `--dir ${dir} is not empty: the demo makes a new repository there; name a new or empty directory`,
    );
  }
  await mkdir(repo, { recursive: true });
  return repo;
}

/** A throwaway git repo holding the demo feature and an agents.yaml for the sim agent. */
export async function createDemoRepo(options: DemoRepoOptions): Promise<string> {
  const repo = options.dir
    ? await emptyDir(options.dir)
    : await mkdtemp(path.join(os.tmpdir(), 'kitty-demo-'));
  await cp(demoFeatureDir(), path.join(repo, 'kitty-specs', DEMO_FEATURE), { recursive: true });
  await mkdir(path.join(repo, '.kittify'), { recursive: true });
  await writeFile(path.join(repo, '.kittify', 'agents.yaml'), stringify(demoConfig(options.durationMs)));
  await writeFile(
    path.join(repo, 'README.md'),
    '# Demo shop\n\nA throwaway repository for the kitty-orchestrator demo.\n',
  );
  await writeFile(
    path.join(repo, '.gitignore'),
    '.kittify/logs/\n.kittify/orchestration/\n.kittify/orchestration-state.json*\n',
  );
  const git = (...args: string[]) => run('git', args, { cwd: repo });
  await git('init', '-q', '-b', 'main');
  // A fresh machine may have no git identity; the demo's commits (and the sim agent's) need one.
  await git('config', 'user.name', 'kitty demo');
  await git('config', 'user.email', 'demo@example.invalid');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Demo shop with a planned checkout feature');
  return repo;
}
