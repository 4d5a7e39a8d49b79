import fc from 'fast-check';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { isKittyError, KittyError } from '../../src/errors.js';
import { toRunView } from '../../src/report/view-model.js';
import { renderSummary } from '../../src/report/render/terminal.js';
import { createFileStore, statePaths } from '../../src/state/file-store.js';
import { readStatus } from '../../src/state/read-status.js';
import { reduce } from '../../src/state/reduce.js';
import { serializeSnapshot } from '../../src/state/snapshot.js';
import type { NewEvent } from '../../src/state/types.js';
import { captureIO } from '../helpers/cli-io.js';
import { FEATURE, finished, lane, runStarted, stamp, started, useStateRepo } from './builders.js';

const repo = useStateRepo();

const history: NewEvent[] = [
  runStarted('r', ['WP01', 'WP02'], { WP02: ['WP01'] }),
  lane('WP01', 'in_progress'),
  started('WP01', 'implementation', 'sim', 1),
  finished('WP01', 'implementation', 'sim', 1, { costUsd: 0.5, tokens: { input: 3, output: 4 } }),
  {
    type: 'review_verdict',
    wp: 'WP01',
    agent: 'sim',
    verdict: 'approved',
    summary: 'ok',
    findings: [{ message: 'nit', location: 'a.ts:1' }],
  },
  lane('WP01', 'done'),
  { type: 'run_finished', status: 'paused', message: 'stopped' },
];
const lines = () => stamp(history).map((e) => JSON.stringify(e));

describe('state validated on read', () => {
  it('names file:line: field: what was expected for a wrong-typed event field, exit 2, file untouched', async () => {
    const bad = lines();
    bad[2] = bad[2]!.replace(/"logFile":"[^"]*"/, '"logFile":null');
    const text = `${bad.join('\n')}\n`;
    await repo.writeLog(text);
    const error = await createFileStore({ repoDir: repo.dir, feature: FEATURE })
      .load()
      .catch((e: unknown) => e);
    expect((error as KittyError).kind).toBe('corrupt');
    expect((error as KittyError).message).toContain(
      `${repo.events}:3: logFile: must be a string (got null) (a corrupt state event`,
    );
    const io = captureIO(repo.dir);
    expect(await runCli(['status', '--repo', repo.dir, '--json'], io)).toBe(2);
    expect(io.err()).toContain(`${repo.events}:3: logFile: must be a string (got null)`);
    expect(io.err()).not.toMatch(/TypeError/);
    expect(await readFile(repo.events, 'utf8')).toBe(text);
  });

  it('names the field of a wrong-typed snapshot', async () => {
    const run = reduce(stamp(history))!;
    const snapshot = JSON.parse(serializeSnapshot(run)) as { run: { workPackages: Record<string, unknown> } };
    (snapshot.run.workPackages.WP01 as { lane: unknown }).lane = 5;
    const file = statePaths(repo.dir, FEATURE).featureSnapshot;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(snapshot));
    await expect(readStatus({ repoDir: repo.dir, feature: FEATURE })).rejects.toThrow(
      `${file}: run.workPackages.WP01.lane: must be one of "planned"`,
    );
  });

  // Any field of any line set to any JSON value: the reader answers or names the damage, never a TypeError.
  it('never fails with anything but a KittyError on mutated logs (fuzz)', async () => {
    const base = stamp(history);
    const value = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length - 1), fc.nat(20), value, async (index, keyIndex, replacement) => {
        const events: Record<string, unknown>[] = base.map((e) => ({ ...e }));
        const target = events[index]!;
        const keys = Object.keys(target);
        target[keys[keyIndex % keys.length]!] = replacement;
        await repo.writeLog(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
        try {
          const run = await readStatus({ repoDir: repo.dir, feature: FEATURE });
          if (run) renderSummary(toRunView(run, new Date()), { logDir: '/logs', color: false });
        } catch (error) {
          expect(isKittyError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
