import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { featureLogDir } from '../../src/paths.js';
import { statePaths } from '../../src/state/file-store.js';
import { readStatus } from '../../src/state/read-status.js';
import { independentWps, makeRepo, silentLogger, simConfig } from './harness.js';

const feature = independentWps(2, '008-io');

beforeEach(() => {
  silentLogger.warnings.length = 0;
});

describe('best-effort files: only the event log must be written', () => {
  it('completes (and says so) when the snapshots cannot be written, with one warning; the next read rebuilds them', async () => {
    const repo = await makeRepo(feature, simConfig());
    const paths = statePaths(repo.dir, feature.slug);
    // A directory where each snapshot file goes: every write of it fails, as on a full disk.
    await mkdir(paths.featureSnapshot, { recursive: true });
    await mkdir(paths.globalSnapshot, { recursive: true });
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const snapshotWarnings = silentLogger.warnings.filter((w) => w.includes('state snapshot'));
    expect(snapshotWarnings).toHaveLength(1);
    expect(snapshotWarnings[0]).toContain(paths.featureDir);

    await rm(paths.featureSnapshot, { recursive: true });
    expect((await readStatus({ repoDir: repo.dir, feature: feature.slug }))?.status).toBe('completed');
    const rebuilt = JSON.parse(await readFile(paths.featureSnapshot, 'utf8')) as { run: { lastSeq: number } };
    expect(rebuilt.run.lastSeq).toBe(run.lastSeq);
  });

  it('completes when the log dir cannot be written: prompts go to a temp dir, one warning per path', async () => {
    const repo = await makeRepo(feature, simConfig());
    const logDir = featureLogDir(repo.dir, feature.slug);
    await mkdir(path.dirname(logDir), { recursive: true });
    await writeFile(logDir, 'a file where the log dir should be\n');
    const { run } = await repo.run();
    expect(run.status).toBe('completed');
    const warnings = silentLogger.warnings.filter((w) => w.startsWith('cannot write'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(2); // the scratch dir and the pid dir, once each
    for (const warning of warnings) expect(warning).toContain(logDir);
  });
});
