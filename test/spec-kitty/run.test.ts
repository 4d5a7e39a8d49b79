import { execFileSync } from 'node:child_process';
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
} from './real-spec-kitty.js';

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
});
