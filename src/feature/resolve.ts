/**
 * Which feature directory a user means: a path, or a slug under `<repo>/kitty-specs/` (exact, or a unique
 * prefix such as `001`).
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { KittyError } from '../errors.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Feature directory names under kitty-specs/, sorted; none when the folder is missing. */
export async function listFeatures(repoDir: string): Promise<string[]> {
  const specs = join(repoDir, 'kitty-specs');
  try {
    const entries = await readdir(specs, { withFileTypes: true });
    const dirs = await Promise.all(
      entries.map(async (e) =>
        e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(join(specs, e.name)))) ? e.name : '',
      ),
    );
    return dirs.filter((name) => name !== '' && !name.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/**
 * Resolves `ref` to an absolute feature directory. A ref that looks like a path (absolute, or containing a
 * separator, or starting with `.`) must be a directory (relative refs are taken from `repoDir`). Otherwise
 * it names a feature under `<repoDir>/kitty-specs/`: exactly, else by unique prefix, else (last resort) a
 * directory `<repoDir>/<ref>`. Ambiguous or unknown refs throw KittyError('usage') listing the features.
 */
export async function resolveFeatureDir(ref: string, repoDir: string): Promise<string> {
  const repo = resolve(repoDir);
  const name = ref.trim();
  if (name === '') throw new KittyError('usage', 'no feature given: pass a kitty-specs/ slug or a directory');
  if (isAbsolute(name) || name.includes('/') || name.includes(sep) || name.startsWith('.')) {
    const dir = resolve(repo, name);
    if (await isDirectory(dir)) return dir;
    throw new KittyError('usage', `feature directory ${dir} does not exist`);
  }
  const features = await listFeatures(repo);
  if (features.includes(name)) return join(repo, 'kitty-specs', name);
  const matches = features.filter((f) => f.toLowerCase().startsWith(name.toLowerCase()));
  if (matches.length === 1) return join(repo, 'kitty-specs', matches[0]!);
  if (matches.length > 1) {
    throw new KittyError('usage', `feature "${name}" is ambiguous: it matches ${matches.join(', ')}`);
  }
  const plain = resolve(repo, name);
  if (await isDirectory(plain)) return plain;
  const available = features.length > 0 ? `available: ${features.join(', ')}` : 'no features found';
  throw new KittyError('usage', `no feature "${name}" in ${join(repo, 'kitty-specs')} (${available})`);
}
