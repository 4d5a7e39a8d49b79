import path from 'node:path';

/** Per-attempt agent logs of a feature: `<repo>/.kittify/logs/<feature>/`. */
export function featureLogDir(repoDir: string, slug: string): string {
  return path.join(repoDir, '.kittify', 'logs', slug);
}
