import * as core from '@actions/core';
import { main } from './main.js';
import { post } from './post.js';

/**
 * The bundle's entry, for both steps (action.yml names it as `main` and `post`). The runner gives the post step
 * the state the main step saved, so a saved flag tells them apart (as actions/checkout does).
 */
const POST_FLAG = 'isPost';

if (core.getState(POST_FLAG) === 'true') {
  await post();
} else {
  core.saveState(POST_FLAG, 'true');
  await main();
}
