import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runFeature } from '../../src/run-feature.js';
import { silentLogger, simConfig } from '../engine/harness.js';
import {
  buildTemplate,
  copyProject,
  findSpecKitty,
  missionLanes,
  SKIP_MESSAGE,
  type SpecKittyProject,
  waitForNoProcessIn,
} from './real-spec-kitty.js';
import { ourEvents, waitFor } from './our-events.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The lane moves an uninterrupted run makes in spec-kitty for every WP. */
const MOVES = ['claimed', 'in_progress', 'for_review', 'in_review', 'done'];

const bin = findSpecKitty();
if (!bin) console.warn(`test/spec-kitty/run.test.ts skipped: ${SKIP_MESSAGE}`);

const ALL_DONE = { WP01: 'done', WP02: 'done', WP03: 'done', WP04: 'done', WP05: 'done' };

describe.skipIf(!bin)('the spec-kitty host against a real spec-kitty 3.2.7', () => {
  let template: Awaited<ReturnType<typeof buildTemplate>>;
  const disposals: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    template = await buildTemplate(bin!);
  }, 300_000);
  afterAll(() => template?.dispose());
  afterEach(async () => {
    await Promise.all(disposals.splice(0).map((d) => d()));
  });

  async function project(agents = simConfig({ duration_ms: 50 })): Promise<SpecKittyProject> {
    const p = await copyProject(bin!, template, agents);
    disposals.push(p.dispose);
    return p;
  }

  const orchestrate = (p: SpecKittyProject, extra: Partial<Parameters<typeof runFeature>[0]> = {}) =>
    runFeature({ repoDir: p.dir, feature: p.slug, logger: silentLogger, env: p.env, ...extra });

  it('runs the mission so that spec-kitty accepts it and `spec-kitty merge` merges it without a hollow review', async () => {
    const p = await project();
    const { run } = await orchestrate(p);
    expect(run.status).toBe('completed');
    expect(run.message).toContain(`spec-kitty merge --mission ${p.slug}`);

    expect(await missionLanes(p)).toEqual(ALL_DONE);
    const kanban = await p.sk('agent', 'tasks', 'status', '--mission', p.slug);
    expect(kanban.out).toMatch(/Completed:\s+5 \(100\.0%\)/);
    const validate = await p.sk('agent', 'status', 'validate', '--mission', p.slug);
    expect(validate.out).toMatch(/Result: PASS/);

    // Every move was legitimate: none forced, subtasks marked before for_review, reviews with evidence.
    const events = await p.events();
    const ours = events.filter((e) => e.actor === 'kitty-orchestrator' && typeof e.to_lane === 'string');
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((e) => e.force === true)).toEqual([]);
    const marked = events.filter(
      (e) => e.kind === 'annotation' && JSON.stringify(e.delta).includes('"subtasks"'),
    );
    expect(marked.map((e) => e.wp_id).sort()).toEqual(['WP01', 'WP02', 'WP03', 'WP04', 'WP05']);
    for (const done of ours.filter((e) => e.to_lane === 'done')) {
      expect(done.evidence).toMatchObject({ review: { reviewer: 'sim', verdict: 'approved' } });
    }
    // Our state stays out of the user's `git status`.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: p.dir, encoding: 'utf8' })).not.toMatch(
      /orchestration/,
    );

    const accept = await p.api('accept-mission', '--mission', p.slug, '--actor', 'tester');
    expect(accept).toMatchObject({ success: true, data: { accepted: true } });
    const merge = await p.sk('merge', '--mission', p.slug, '--yes');
    expect(merge.out).not.toMatch(/hollow review/i);
    expect(merge.code).toBe(0);
    for (const wp of ['WP01', 'WP02', 'WP03', 'WP04', 'WP05']) {
      const files = execFileSync('git', ['ls-files', `sim-output/${wp}`], { cwd: p.dir, encoding: 'utf8' });
      expect(files, `${wp}'s work merged`).not.toBe('');
    }
  }, 600_000);

  it('runs only what spec-kitty calls ready: approved counts as done, canceled and claimed-by-others are left alone', async () => {
    const p = await project();
    const policy = JSON.stringify({
      orchestrator_id: 'someone',
      orchestrator_version: '1',
      agent_family: 'human',
      approval_mode: 'manual',
      sandbox_mode: 'none',
      network_mode: 'allowed',
      dangerous_flags: [],
    });
    const as = (actor: string) => ['--actor', actor, '--policy', policy];
    const review = JSON.stringify({ review: { reviewer: 'carol', verdict: 'approved', reference: 'pr#1' } });
    await p.api('start-implementation', '--mission', p.slug, '--wp', 'WP01', ...as('alice'));
    const approved = await p.api(
      ...['transition', '--mission', p.slug, '--wp', 'WP01', '--to', 'approved', ...as('alice')],
      ...['--force', '--note', 'approved by hand', '--evidence-json', review],
    );
    expect(approved.success).toBe(true);
    expect(
      (await p.api('start-implementation', '--mission', p.slug, '--wp', 'WP02', ...as('bob'))).success,
    ).toBe(true);
    const canceled = await p.api(
      ...['transition', '--mission', p.slug, '--wp', 'WP05', '--to', 'canceled', '--actor', 'alice'],
      ...['--note', 'not needed'],
    );
    expect(canceled.success).toBe(true);
    const readyBefore = await p.api('list-ready', '--mission', p.slug);
    expect(readyBefore.data).toMatchObject({ ready_work_packages: [{ wp_id: 'WP03' }] });

    const { run } = await orchestrate(p);
    const started = new Set(
      run.workPackages &&
        Object.values(run.workPackages)
          .filter((wp) => wp.attempts.length > 0)
          .map((wp) => wp.wpId),
    );
    expect([...started]).toEqual(['WP03']);
    expect(run.workPackages.WP02?.lane).toBe('blocked');
    expect(run.workPackages.WP02?.lastError ?? run.message).toMatch(/bob|WP02/);
    expect(await missionLanes(p)).toEqual({
      WP01: 'approved',
      WP02: 'in_progress',
      WP03: 'done',
      WP04: 'planned',
      WP05: 'canceled',
    });
    const events = await p.events();
    const touched = events.filter((e) => e.actor === 'kitty-orchestrator').map((e) => e.wp_id);
    expect(new Set(touched)).toEqual(new Set(['WP03']));
  }, 600_000);

  it('kill -9 mid-run, then resume: spec-kitty ends as after an uninterrupted run, no note twice', async () => {
    // Every role fails its first attempt, so each WP has history notes to send.
    const p = await project(simConfig({ duration_ms: 1500, fail_first: 1, failure: 'crash' }));
    const cli = [path.join(ROOT, 'src/cli/main.ts'), 'orchestrate', '-f', p.slug, '--repo', p.dir, '--json'];
    const child = spawn(process.execPath, ['--import', 'tsx', ...cli], {
      cwd: ROOT,
      env: p.env,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(async () => {
      const log = await ourEvents(p.dir, p.slug);
      return log.some((e) => e.type === 'lane_changed' && e.lane === 'done');
    });
    child.kill('SIGKILL');
    await exited;
    const before = await ourEvents(p.dir, p.slug);
    expect(before.some((e) => e.type === 'run_finished')).toBe(false);
    // A spec-kitty call the dead process started finishes on its own; the resumed run starts after it.
    await waitForNoProcessIn(p.dir);

    const { run } = await orchestrate(p, { resume: true });
    expect(run.status).toBe('completed');
    expect(await missionLanes(p)).toEqual(ALL_DONE);
    const events = await p.events();
    for (const wp of Object.keys(ALL_DONE)) {
      const moves = events.filter((e) => e.wp_id === wp && e.actor === 'kitty-orchestrator' && e.to_lane);
      expect(
        moves.map((e) => e.to_lane),
        wp,
      ).toEqual(MOVES);
    }
    const notes = events.flatMap((e) => {
      const note = (e.delta as { note?: string } | undefined)?.note;
      return e.kind === 'annotation' && typeof note === 'string' ? [note] : [];
    });
    const tags = notes.map((n) => /\[kitty-orchestrator [^\]]+\]/.exec(n)?.[0]);
    expect(new Set(tags).size).toBe(tags.length);
    const failed = (await ourEvents(p.dir, p.slug)).filter(
      (e) => e.type === 'attempt_finished' && !e.success,
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(notes).toHaveLength(failed.length);
  }, 900_000);
});
