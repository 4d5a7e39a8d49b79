import { startGitHubStandIn } from './test/stand-ins/github-api.js';
let t = Date.now();
const gh = await startGitHubStandIn();
console.log('start', Date.now() - t);
t = Date.now();
const gh2 = await startGitHubStandIn();
console.log('start2', Date.now() - t);
await gh.close(); await gh2.close();
