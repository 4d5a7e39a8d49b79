import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { main } from './main.js';
import { post } from './post.js';

/**
 * The bundle's entry, for both steps (action.yml names it as `main` and `post`). The runner gives the post step
 * the state the main step saved, so a saved flag tells them apart (as actions/checkout does).
 */
const POST_FLAG = 'isPost';

// The bundle is ESM, and ncc leaves CommonJS's free `__filename` unbound there; write-file-atomic (the state
// store's atomic writes) reads it when naming a temp file, only to seed a hash. Bind it before anything runs.
(globalThis as { __filename?: string }).__filename ??= fileURLToPath(import.meta.url);

if (core.getState(POST_FLAG) === 'true') {
  await post();
} else {
  core.saveState(POST_FLAG, 'true');
  await main();
}
