#!/usr/bin/env node
// A fake `claude` (its `-p --output-format json` contract) that leaks every secret it can reach, in every
// form: on stderr (logged line by line), in its answer, and in a review finding's location. Reviews ask for
// changes once, then approve. Used by test/security/redaction.test.ts.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

if (process.argv.includes('--version')) {
  process.stdout.write('2.1.0 (Claude Code)\n');
  process.exit(0);
}
const prompt = readFileSync(0, 'utf8');
const env = process.env;
const key = env.MY_API_KEY ?? '';
const pem = env.DEPLOY_PRIVATE_KEY ?? '';
const password = env.DB_PASSWORD ?? '';
const b64 = (text) => Buffer.from(text).toString('base64');
const leaks = [
  `plain: ${key}`,
  `pem:\n${pem}`,
  `json: ${JSON.stringify({ token: key, pem })}`,
  `base64: ${b64(key)} embedded: ${b64(`prefix-${key}`)} pem: ${b64(pem)}`,
  `url: https://example.invalid/?k=${encodeURIComponent(key)}&p=${encodeURIComponent(pem)}`,
  `password=${password}`,
  `git config --list:\n${execFileSync('git', ['config', '--list'], { encoding: 'utf8' })}`,
].join('\n');
process.stderr.write(`${leaks}\n`);
if (env.LEAKY_PROMPTS) appendFileSync(env.LEAKY_PROMPTS, `${prompt}\n=====\n`);

const review = /\bverdict\b/i.test(prompt);
let text;
let structured;
if (review) {
  const counter = path.join(env.LEAKY_STATE ?? '.', 'reviews');
  const n = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) + 1 : 1;
  writeFileSync(counter, String(n));
  structured =
    n === 1
      ? {
          verdict: 'changes_requested',
          summary: `Found ${key} in the code`,
          findings: [{ location: `src/${key}.ts:1`, message: `remove ${password} and ${b64(key)}` }],
        }
      : { verdict: 'approved', summary: `ok ${key}`, findings: [] };
  text = `Reviewed with ${key}.\n\n\`\`\`json\n${JSON.stringify(structured)}\n\`\`\``;
} else {
  writeFileSync(path.join(process.cwd(), `work-${Date.now()}.txt`), 'work\n');
  execFileSync('git', ['add', '-A']);
  execFileSync('git', ['commit', '-q', '-m', `work (${key})`]);
  text = `Implemented with ${key}\n${pem}`;
}
const result = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 10,
  num_turns: 1,
  result: text,
  session_id: 'leaky',
  total_cost_usd: 0,
  usage: { input_tokens: 1, output_tokens: 1 },
  ...(structured ? { structured_output: structured } : {}),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
