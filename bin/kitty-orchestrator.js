#!/usr/bin/env node
// Installed entry: the bundled CLI (one minified module plus a chunk per command, built by `npm run compile`).
// `npm ci` in a checkout compiles it (the `prepare` script); from a source checkout, `npx tsx src/cli/main.ts`
// runs the same code without compiling.
try {
  await import('../build/cli-bundle/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/build/cli-bundle/main.js'))
    throw error;
  console.error(
    'kitty-orchestrator: build/ is missing: run `npm run compile` (or `npm ci`) in the checkout first.',
  );
  process.exitCode = 1;
}
