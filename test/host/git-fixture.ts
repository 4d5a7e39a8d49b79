import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Feature } from '../../src/feature/types.js';
import { createStandaloneHost } from '../../src/host/standalone.js';
import type { Host } from '../../src/host/types.js';

const run = promisify(execFile);

/** Git for the tests themselves (setup and inspection), with a test identity. */
export async function sh(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    {
      cwd,
    },
  );
  return stdout.trim();
}

/** Git without the test identity: what the host sees. */
export async function plainGit(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd })).stdout.trim();
}

/**
 * Keeps the machine's global and system git config (an identity, hooks, colour settings) out of the tests,
 * so "the repo has no identity" is true. Vitest runs each test file in its own process.
 */
export async function isolateGitConfig(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'kitty-gitcfg-'));
  const file = join(dir, 'gitconfig');
  await writeFile(file, '');
  const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
  process.env.GIT_CONFIG_GLOBAL = file;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  return async () => {
    restore('GIT_CONFIG_GLOBAL', saved.global);
    restore('GIT_CONFIG_NOSYSTEM', saved.nosystem);
    await rm(dir, { recursive: true, force: true });
  };
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** A fresh repository on `main` with one commit (README.md), at a real path. */
export async function makeRepo(): Promise<string> {
  const repo = await realpath(await mkdtemp(join(tmpdir(), 'kitty-host-')));
  await plainGit(repo, 'init', '--quiet', '-b', 'main');
  await commitFile(repo, 'README.md', 'hello\n', 'initial');
  return repo;
}

/** Writes a file and commits it; returns the new commit. */
export async function commitFile(
  cwd: string,
  file: string,
  content: string,
  message: string,
): Promise<string> {
  await mkdir(dirname(join(cwd, file)), { recursive: true });
  await writeFile(join(cwd, file), content);
  await sh(cwd, 'add', file);
  await sh(cwd, 'commit', '--quiet', '-m', message);
  return sh(cwd, 'rev-parse', 'HEAD');
}

/** A feature `001-demo` in `repo` whose WPs have the given dependencies. */
export function makeFeature(repo: string, deps: Record<string, string[]>): Feature {
  const dir = join(repo, 'kitty-specs', '001-demo');
  return {
    slug: '001-demo',
    dir,
    workPackages: Object.entries(deps).map(([id, dependencies]) => ({
      id,
      title: `Work package ${id}`,
      dependencies,
      subtasks: [],
      ownedFiles: [],
      lane: 'planned',
      promptFile: join(dir, 'tasks', `${id}.md`),
      body: '',
    })),
  };
}

/**
 * For one test file: git config isolated for the whole file, a fresh repo per test (removed afterwards). Read
 * `repo` inside tests, not at collection time.
 */
export function useGitRepo(): { readonly repo: string } {
  let restoreConfig: () => Promise<void>;
  let repo = '';
  beforeAll(async () => {
    restoreConfig = await isolateGitConfig();
  });
  afterAll(async () => restoreConfig());
  beforeEach(async () => {
    repo = await makeRepo();
  });
  afterEach(async () => rm(repo, { recursive: true, force: true }));
  return {
    get repo() {
      return repo;
    },
  };
}

/** useGitRepo, plus a standalone host on the repo per test. */
export function useHostRepo(): { readonly repo: string; readonly host: Host } {
  const fixture = useGitRepo();
  let host: Host | undefined;
  beforeEach(() => {
    host = createStandaloneHost({ repoDir: fixture.repo });
  });
  return {
    get repo() {
      return fixture.repo;
    },
    get host() {
      if (!host) throw new Error('the host repo is made before each test');
      return host;
    },
  };
}
