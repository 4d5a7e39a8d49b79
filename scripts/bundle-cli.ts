// Bundles the CLI into build/cli-bundle/: one minified ESM entry plus a chunk per lazily imported command, so
// `kitty-orchestrator status` loads a handful of files instead of ~150 modules (ours and our dependencies').
// Run by `npm run compile` after tsc; the library (build/index.js) stays unbundled. The bundle sits two levels
// below the package root, like build/cli/main.js, so the paths it finds from import.meta.url stay true.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'build/cli-bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Keeps error stacks and class names readable in bug reports.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The CommonJS dependencies (commander, proper-lockfile, …) call require() for node's modules, and
  // write-file-atomic names its temp files after __filename: give each chunk all three.
  banner: {
    js: [
      "import { createRequire as __kittyRequire } from 'node:module';",
      "import { fileURLToPath as __kittyPath } from 'node:url';",
      'const require = __kittyRequire(import.meta.url);',
      'const __filename = __kittyPath(import.meta.url);',
      "const __dirname = __kittyPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});
