import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { OUTPUT_SCHEMAS, jsonSchema } from '../../scripts/output-schemas.js';
import { makeRepo, simConfig } from '../engine/harness.js';
import { captureIO } from '../helpers/cli-io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const feature = {
  slug: '009-json',
  wps: [
    { id: 'WP01', subtasks: ['T001'] },
    { id: 'WP02', dependencies: ['WP01'], subtasks: ['T002'] },
  ],
};

async function json(cwd: string, env: NodeJS.ProcessEnv, ...argv: string[]): Promise<string> {
  const io = captureIO(cwd, env);
  await runCli(argv, io);
  expect(io.err()).toBe('');
  return io.out();
}

describe('--json outputs and their JSON Schemas', () => {
  it('schemas/ holds exactly what scripts/output-schemas.ts defines (npm run schemas rewrites it)', async () => {
    for (const name of Object.keys(OUTPUT_SCHEMAS) as (keyof typeof OUTPUT_SCHEMAS)[]) {
      const file = await readFile(path.join(ROOT, 'schemas', `${name}.schema.json`), 'utf8');
      expect(JSON.parse(file), `schemas/${name}.schema.json`).toEqual(jsonSchema(name));
    }
  });

  it('every output matches its schema, in snake_case, for a run with retries, rework and a summary', async () => {
    const repo = await makeRepo(
      feature,
      simConfig({ review: 'reject_once', fail_first: 1, failure: 'crash', fail_wps: ['WP02'] }),
    );
    const run = async (...argv: string[]) => json(repo.dir, repo.env, ...argv);

    OUTPUT_SCHEMAS.plan.parse(JSON.parse(await run('plan', '-f', '009', '--json')));
    OUTPUT_SCHEMAS['dry-run'].parse(JSON.parse(await run('orchestrate', '-f', '009', '--dry-run', '--json')));
    OUTPUT_SCHEMAS.status.parse(JSON.parse(await run('status', '-f', '009', '--json')));
    OUTPUT_SCHEMAS.doctor.parse(JSON.parse(await run('doctor', '--json')));

    const lines = (await run('orchestrate', '-f', '009', '--json')).trim().split('\n');
    const types = new Set(lines.map((line) => OUTPUT_SCHEMAS.events.parse(JSON.parse(line)).type));
    expect([...types]).toEqual(expect.arrayContaining(['run_started', 'attempt_finished', 'review_verdict']));
    expect(types.has('summary')).toBe(true);
    const status = OUTPUT_SCHEMAS.status.parse(JSON.parse(await run('status', '-f', '009', '--json')));
    expect(status).toMatchObject({ status: 'completed', done: 2, total: 2 });
  });

  it('the schemas reject the old camelCase keys', () => {
    const view = { feature: 'f', runId: 'r', status: 'completed' };
    expect(OUTPUT_SCHEMAS.status.safeParse(view).success).toBe(false);
  });
});
