import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABORT_REASON } from '../../src/engine/run.js';
import type { OrchestrationEvent } from '../../src/state/types.js';
import { git, makeRepo, simConfig, type TestRepo } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const feature = {
  slug: '004-crash',
  wps: [
    { id: 'WP01', subtasks: ['T001'] },
    { id: 'WP02', dependencies: ['WP01'], subtasks: ['T002'] },
    { id: 'WP03', subtasks: ['T003'] },
    { id: 'WP04', dependencies: ['WP03'], subtasks: ['T004'] },
  ],
};

async function events(repo: TestRepo): Promise<OrchestrationEvent[]> {
  const file = path.join(repo.dir, '.kittify', 'orchestration', repo.slug, 'events.jsonl');
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as OrchestrationEvent];
      } catch {
        return [];
      }
    });
}

async function waitFor(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Implementation commits the sim agent made for a WP on its branch. */
function simCommits(repo: TestRepo, wp: string): string[] {
  const log = git(repo.dir, 'log', '--format=%s', `${repo.slug}-${wp}`);
  return log.split('\n').filter((s) => s.startsWith(`sim: implement ${wp} `));
}

describe('durable runs', () => {
  it('resumes after kill -9 of the orchestrator with every WP implemented exactly once', async () => {
    const repo = await makeRepo(feature, simConfig({ duration_ms: 600 }, { global: { concurrency: 2 } }));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'src/cli/main.ts'),
        'orchestrate',
        '--feature',
        repo.slug,
        '--repo',
        repo.dir,
        '--json',
      ],
      { cwd: ROOT, env: repo.env, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill once one WP is done and the next wave's work is under way.
    await waitFor(async () => {
      const log = await events(repo);
      const done = log.some((e) => e.type === 'lane_changed' && e.lane === 'done');
      const later = log.filter((e) => e.type === 'attempt_started').length >= 3;
      return done && later;
    });
    child.kill('SIGKILL');
    await exited;
    const before = await events(repo);
    const doneBefore = new Set(
      before.flatMap((e) => (e.type === 'lane_changed' && e.lane === 'done' ? [e.wp] : [])),
    );
    expect(before.some((e) => e.type === 'run_finished')).toBe(false);

    const { run } = await repo.run({ resume: true });
    expect(run.status).toBe('completed');
    for (const wp of feature.wps) expect(simCommits(repo, wp.id)).toHaveLength(1);
    const after = await events(repo);
    const rerun = after
      .slice(before.length)
      .filter((e) => e.type === 'attempt_started' && doneBefore.has(e.wp));
    expect(rerun).toEqual([]);
  });

  it('pauses on an interrupt and resumes to done; an aborted run is resumed too, keeping finished WPs', async () => {
    const repo = await makeRepo(feature, simConfig({ duration_ms: 400 }));
    const interrupt = new AbortController();
    const first = repo.run({
      signal: interrupt.signal,
      onEvent: (e) => (e.type === 'attempt_started' ? interrupt.abort('interrupted') : undefined),
    });
    const paused = (await first).run;
    expect(paused.status).toBe('paused');
    expect(paused.message).toMatch(/resume --feature 004-crash/);
    await expect(repo.run()).rejects.toThrow(/unfinished run/);

    const abort = new AbortController();
    const second = await repo.run({
      resume: true,
      signal: abort.signal,
      onEvent: (e) => (e.type === 'attempt_started' ? abort.abort(ABORT_REASON) : undefined),
    });
    expect(second.run.status).toBe('aborted');
    expect(second.run.message).toMatch(/resume --feature 004-crash/);
    const doneBefore = Object.values(second.run.workPackages).filter((wp) => wp.lane === 'done');

    const third = await repo.run({ resume: true });
    expect(third.run.status).toBe('completed');
    expect(third.run.runId).toBe(second.run.runId);
    for (const wp of doneBefore) expect(third.run.workPackages[wp.wpId]?.attempts).toEqual(wp.attempts);
    for (const wp of feature.wps) expect(simCommits(repo, wp.id)).toHaveLength(1);
    await expect(repo.run({ resume: true })).rejects.toThrow(/no unfinished run .*its last run is completed/);
  });
});
