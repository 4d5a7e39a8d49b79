import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simConfig, silentLogger } from '../engine/harness.js';
import { createHost } from '../../src/host/create.js';
import { chooseHost } from '../../src/host/select.js';
import type { Feature } from '../../src/feature/types.js';
import { configSchema } from '../../src/config/schema.js';
import { createProcessRunner } from '../../src/executor/run-process.js';
import { execFileSync } from 'node:child_process';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A mission directory with the given spec-kitty files, in a fresh git repo. */
async function mission(files: string[]): Promise<Feature> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kitty-sk-select-'));
  dirs.push(root);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  // As in a real spec-kitty project, whose managed .gitignore lists its lane workspaces.
  await writeFile(path.join(root, '.gitignore'), '.worktrees/\n');
  const dir = path.join(root, 'kitty-specs', 'demo-01');
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeFile(path.join(dir, file), '{}\n');
  return { slug: 'demo-01', dir, workPackages: [] };
}

/** A stand-in `spec-kitty` that answers contract-version with `version`. */
async function fakeSpecKitty(version: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-sk-fake-'));
  dirs.push(dir);
  const bin = path.join(dir, 'spec-kitty');
  const envelope = JSON.stringify({
    contract_version: version,
    command: 'orchestrator-api.contract-version',
    success: true,
    error_code: null,
    data: { api_version: version },
  });
  await writeFile(bin, `#!/bin/sh\necho '${envelope}'\n`);
  await chmod(bin, 0o755);
  return bin;
}

describe('choosing the host', () => {
  it('auto: spec-kitty for a 3.x mission when the CLI is found, standalone otherwise, saying why', async () => {
    const bin = await fakeSpecKitty('1.5.0');
    const full = await mission(['status.events.jsonl', 'lanes.json']);
    expect(await chooseHost('auto', full, { SPEC_KITTY_BIN: bin })).toEqual({ kind: 'spec-kitty', bin });
    expect(await chooseHost('auto', full, { PATH: path.dirname(bin) })).toEqual({ kind: 'spec-kitty', bin });
    expect(await chooseHost('auto', full, { PATH: '/nonexistent' })).toMatchObject({
      kind: 'standalone',
      why: expect.stringMatching(/spec-kitty CLI was not found/) as unknown,
    });
    const old = await mission(['status.events.jsonl']);
    expect(await chooseHost('auto', old, { SPEC_KITTY_BIN: bin })).toMatchObject({
      kind: 'standalone',
      why: expect.stringMatching(/not a spec-kitty 3\.x mission \(no lanes\.json\)/) as unknown,
    });
    expect(await chooseHost('standalone', full, { SPEC_KITTY_BIN: bin })).toMatchObject({
      kind: 'standalone',
    });
  });

  it('--host spec-kitty where it cannot work is a usage error naming the way out', async () => {
    const old = await mission([]);
    await expect(chooseHost('spec-kitty', old, { PATH: '/nonexistent' })).rejects.toThrow(
      /--host spec-kitty: .*demo-01 is not a spec-kitty 3\.x mission .*--host standalone/,
    );
  });

  it('refuses a spec-kitty whose orchestrator-api contract has another major version', async () => {
    const feature = await mission(['status.events.jsonl', 'lanes.json']);
    const repoDir = path.dirname(path.dirname(feature.dir));
    const config = configSchema.parse(simConfig());
    const create = async (version: string) =>
      createHost({
        kind: 'auto',
        repoDir,
        feature,
        config,
        runProcess: createProcessRunner(),
        logger: silentLogger,
        redact: (t) => t,
        env: { SPEC_KITTY_BIN: await fakeSpecKitty(version) },
      });
    await expect(create('2.0.0')).rejects.toThrow(
      /orchestrator-api contract is 2\.0\.0, but kitty-orchestrator speaks 1\.x/,
    );
    await expect(create('1.9.2')).resolves.toBeDefined();
  });
});
