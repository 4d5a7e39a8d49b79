#!/usr/bin/env node
// Installed entry: the compiled CLI. From a source checkout, `npx tsx src/cli/main.ts` runs the same code.
import '../build/cli/main.js';
