import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { writeFeature, type FeatureSpec } from '../helpers/feature-fixtures.js';

const cleanups: string[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8' });

/** A PATH with the system tools and node but no agent CLI this machine may have installed. */
export const BARE_PATH = `/usr/bin:/bin:${path.dirname(process.execPath)}`;

/** A temp git repo holding `feature` and no `.kittify/agents.yaml`; `.kittify/` is ignored as users do. */
export async function securityRepo(feature: FeatureSpec): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-security-'));
  cleanups.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  await writeFeature(dir, feature);
  await mkdir(path.join(dir, '.kittify'), { recursive: true });
  await writeFile(path.join(dir, '.gitignore'), '.kittify/\n.worktrees/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature');
  return dir;
}

/** A temp dir removed after the test. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

/** A bin dir holding the leaking fake as `claude`. */
export async function leakyClaude(): Promise<string> {
  const bin = await tempDir('kitty-security-bin-');
  const source = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    'fake-agents',
    'bin',
    'leaky-claude.mjs',
  );
  await copyFile(source, path.join(bin, 'claude'));
  await chmod(path.join(bin, 'claude'), 0o755);
  return bin;
}

/** Every file under `dir` (recursively) with its text. */
export async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}
