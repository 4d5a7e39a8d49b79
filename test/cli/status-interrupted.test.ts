import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { createFileStore, statePaths } from '../../src/state/file-store.js';
import { captureIO } from '../helpers/cli-io.js';
import { useTempDirs } from '../helpers/feature-fixtures.js';
import { FEATURE, runStarted } from '../state/builders.js';

const tempDir = useTempDirs();

/** A repo whose run of FEATURE was recorded as running by the orchestrator `pid` (owner.json as the lock writes it). */
async function runningRun(pid: number | null): Promise<string> {
  const dir = await tempDir();
  const store = createFileStore({ repoDir: dir, feature: FEATURE });
  await store.append([
    runStarted('run-1', ['WP01', 'WP02']),
    { type: 'lane_changed', wp: 'WP01', lane: 'in_progress' },
  ]);
  if (pid !== null) {
    const { featureDir } = statePaths(dir, FEATURE);
    await mkdir(featureDir, { recursive: true });
    const owner = { pid, hostname: hostname(), startedAt: new Date().toISOString(), feature: FEATURE };
    await writeFile(`${featureDir}/owner.json`, JSON.stringify(owner));
  }
  return dir;
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function status(dir: string, json: boolean) {
  const io = captureIO(dir);
  const args = ['status', '--repo', dir, ...(json ? ['--json'] : [])];
  expect(await runCli(args, io)).toBe(0);
  return io.out();
}

describe('status of a run whose orchestrator is gone', () => {
  it('says interrupted, with the dead pid and the resume command, in JSON and in words', async () => {
    const pid = deadPid();
    const dir = await runningRun(pid);
    const view = JSON.parse(await status(dir, true)) as { status: string; message: string };
    expect(view.status).toBe('interrupted');
    expect(view.message).toBe(
      `interrupted: pid ${pid} is gone; resume with \`kitty-orchestrator resume --feature ${FEATURE}\``,
    );
    const text = await status(dir, false);
    expect(text).toMatch(new RegExp(`${FEATURE}\\s+interrupted after`));
    expect(text).toContain(`interrupted: pid ${pid} is gone`);
  });

  it('says interrupted when no orchestrator holds the run at all', async () => {
    const view = JSON.parse(await status(await runningRun(null), true)) as { message: string };
    expect(view.message).toMatch(/^interrupted: its orchestrator is gone; resume with/);
  });

  it('still says running while the orchestrator lives', async () => {
    const view = JSON.parse(await status(await runningRun(process.pid), true)) as { status: string };
    expect(view.status).toBe('running');
  });
});
