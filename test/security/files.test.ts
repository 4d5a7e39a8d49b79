import { access, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestAbort } from '../../src/cli/abort-marker.js';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { readFeature } from '../../src/feature/index.js';
import { writeFileNoFollow } from '../../src/safe-write.js';
import { createSnapshotFileWriter } from '../../src/state/index.js';
import { makeRepo, simConfig } from '../engine/harness.js';
import { captureIO } from '../helpers/cli-io.js';
import { securityRepo, tempDir } from './repo.js';

const OUTSIDE_TEXT = 'belongs to someone else\n';

async function outsideFile(): Promise<string> {
  const file = path.join(await tempDir('kitty-outside-'), 'victim.txt');
  await writeFile(file, OUTSIDE_TEXT);
  return file;
}

describe('writes never follow a symbolic link out of the repository', () => {
  it('refuses to write the snapshot backup through a link, naming it; the target is untouched', async () => {
    const repo = await securityRepo({ slug: '001-links', wps: [{ id: 'WP01' }] });
    const victim = await outsideFile();
    const snapshot = path.join(repo, '.kittify', 'orchestration-state.json');
    await symlink(victim, `${snapshot}.bak`);
    const writer = createSnapshotFileWriter(snapshot);
    await writer.write('{"version":1,"feature":"a","run":null}\n');
    await expect(writer.write('{"version":1,"feature":"b","run":null}\n')).rejects.toThrow(
      `${snapshot}.bak is a symbolic link`,
    );
    expect(await readFile(victim, 'utf8')).toBe(OUTSIDE_TEXT);
  });

  it('refuses a tasks.md or a directory on the way that is a link', async () => {
    const repo = await securityRepo({ slug: '001-links', wps: [{ id: 'WP01' }] });
    const victim = await outsideFile();
    const tasks = path.join(repo, 'kitty-specs', '001-links', 'tasks.md');
    await rm(tasks);
    await symlink(victim, tasks);
    await expect(writeFileNoFollow(tasks, 'ticked')).rejects.toThrow(`${tasks} is a symbolic link`);
    const dirLink = path.join(repo, '.kittify', 'logs');
    await symlink(path.dirname(victim), dirLink);
    await expect(writeFileNoFollow(path.join(dirLink, 'victim.txt'), 'x')).rejects.toThrow(
      `${dirLink} is a symbolic link`,
    );
    expect(await readFile(victim, 'utf8')).toBe(OUTSIDE_TEXT);
  });
});

describe('work package ids', () => {
  it('refuses a feature whose WP id is not WP + digits, naming the file', async () => {
    const repo = await securityRepo({
      slug: '001-ids',
      wps: [{ id: 'WP01' }, { id: '../../x', fileName: 'WP02-escape.md' }],
    });
    await expect(readFeature('001-ids', repo)).rejects.toThrow(
      /kitty-specs\/001-ids\/tasks\/WP02-escape\.md: work package id "..\/..\/x" is not WP followed by digits/,
    );
    await access(path.join(repo, '.worktrees')).then(
      () => expect.fail('no worktree may be made'),
      () => undefined,
    );
  });
});

describe('abort requests', () => {
  it('a new run starts with no abort request pending', async () => {
    const repo = await makeRepo(
      { slug: '001-abort', wps: [{ id: 'WP01', subtasks: ['T001'] }] },
      simConfig(),
    );
    await requestAbort(repo.dir, '001-abort');
    const marker = path.join(repo.dir, '.kittify', 'orchestration', '001-abort', 'abort-requested');
    await access(marker);
    const io = captureIO(repo.dir, repo.env);
    expect(await runCli(['orchestrate', '--feature', '001-abort'], io)).toBe(0);
    await access(marker).then(
      () => expect.fail('the stale abort request is still pending'),
      () => undefined,
    );
  });
});
