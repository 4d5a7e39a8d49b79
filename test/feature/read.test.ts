import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KittyError } from '../../src/errors.js';
import { readFeature, resolveFeatureDir } from '../../src/feature/index.js';
import { laneEvent, useTempDirs, writeFeature } from '../helpers/feature-fixtures.js';

const tempDir = useTempDirs();

async function rejection(p: Promise<unknown>, kind: string): Promise<string> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KittyError);
  expect((e as KittyError).kind).toBe(kind);
  return (e as KittyError).message;
}

describe('resolveFeatureDir', () => {
  it('accepts a directory path (absolute or relative to the repo) and a slug or unique prefix', async () => {
    const repo = await tempDir();
    const dir = await writeFeature(repo, { slug: '001-checkout', wps: [{ id: 'WP01' }] });
    await writeFeature(repo, { slug: '002-search', wps: [{ id: 'WP01' }] });
    expect(await resolveFeatureDir(dir, '/')).toBe(dir);
    expect(await resolveFeatureDir('kitty-specs/001-checkout', repo)).toBe(dir);
    expect(await resolveFeatureDir('./kitty-specs/001-checkout/', repo)).toBe(dir);
    expect(await resolveFeatureDir('001-checkout', repo)).toBe(dir);
    expect(await resolveFeatureDir('001', repo)).toBe(dir);
    expect(await resolveFeatureDir(' 002 ', repo)).toBe(join(repo, 'kitty-specs', '002-search'));
    // A relative repo dir still gives an absolute feature dir.
    expect(await resolveFeatureDir('001', relative(process.cwd(), repo))).toBe(dir);
  });

  it('rejects an ambiguous prefix and an unknown feature, listing the features', async () => {
    const repo = await tempDir();
    await writeFeature(repo, { slug: '001-a', wps: [{ id: 'WP01' }] });
    await writeFeature(repo, { slug: '001-b', wps: [{ id: 'WP01' }] });
    expect(await rejection(resolveFeatureDir('001', repo), 'usage')).toBe(
      'feature "001" is ambiguous: it matches 001-a, 001-b',
    );
    expect(await rejection(resolveFeatureDir('nope', repo), 'usage')).toBe(
      `no feature "nope" in ${join(repo, 'kitty-specs')} (available: 001-a, 001-b)`,
    );
    expect(await rejection(resolveFeatureDir('./missing', repo), 'usage')).toBe(
      `feature directory ${join(repo, 'missing')} does not exist`,
    );
    expect(await rejection(resolveFeatureDir('x', await tempDir()), 'usage')).toContain(
      '(no features found)',
    );
  });
});

describe('readFeature', () => {
  it('reads WPs sorted by id with subtasks from tasks.md and ids from the frontmatter', async () => {
    const repo = await tempDir();
    const dir = await writeFeature(repo, {
      slug: '007-demo',
      wps: [
        { id: 'WP10', title: 'Ten', dependencies: ['WP02'] },
        { id: 'WP02', title: 'Two', subtasks: ['T001', 'T002', 'T003'], ownedFiles: ['src/two.ts'] },
      ],
      tasksMd:
        '## Work Package WP02: Two\n- [x] T001 [P] First\n- [ ] T002 Second\n- [ ] T004 Only in tasks.md\n',
    });
    const { feature, warnings } = await readFeature('007', repo);
    expect(warnings).toEqual([]);
    expect(feature.slug).toBe('007-demo');
    expect(feature.dir).toBe(dir);
    expect(feature.workPackages.map((w) => w.id)).toEqual(['WP02', 'WP10']);
    const [two, ten] = feature.workPackages;
    expect(two).toMatchObject({
      title: 'Two',
      lane: 'planned',
      dependencies: [],
      ownedFiles: ['src/two.ts'],
    });
    expect(two!.promptFile).toBe(join(dir, 'tasks', 'WP02-two.md'));
    expect(two!.body).toContain('# Work Package Prompt: WP02 – Two');
    expect(two!.subtasks).toEqual([
      { id: 'T001', title: 'First', done: true, parallel: true },
      { id: 'T002', title: 'Second', done: false, parallel: false },
      { id: 'T004', title: 'Only in tasks.md', done: false, parallel: false },
      { id: 'T003', title: '', done: false, parallel: false },
    ]);
    expect(ten).toMatchObject({ dependencies: ['WP02'], subtasks: [] });
  });

  it('resolves loose dependency ids and tasks.md headings onto real ids', async () => {
    const repo = await tempDir();
    await writeFeature(repo, {
      slug: 'f',
      wps: [
        { id: 'WP01', subtasks: ['T001'] },
        { id: 'WP02', rawFrontmatter: 'work_package_id: WP02\ndependencies: "wp1, WP-01"' },
      ],
      tasksMd: '## Work Package 1: One\n- [x] T001 Done\n## WP09\n- [ ] T009 stray\n',
    });
    const { feature, warnings } = await readFeature('f', repo);
    expect(feature.workPackages[1]!.dependencies).toEqual(['WP01']);
    expect(feature.workPackages[0]!.subtasks).toEqual([
      { id: 'T001', title: 'Done', done: true, parallel: false },
    ]);
    expect(warnings).toEqual(['kitty-specs/f/tasks.md: subtasks listed for WP09, which has no prompt file']);
  });

  it('takes lanes from the event log when present (no event: planned), mapping doing', async () => {
    const repo = await tempDir();
    await writeFeature(repo, {
      slug: 'f',
      wps: [{ id: 'WP01', lane: 'done' }, { id: 'WP02' }, { id: 'WP03', lane: 'for_review' }],
      events: [
        laneEvent('WP01', 'claimed'),
        laneEvent('WP01', 'doing'),
        laneEvent('WP02', 'for_review'),
        laneEvent('WP02', 'approved'),
        laneEvent('WP99', 'done'),
      ],
    });
    const { feature, warnings } = await readFeature('f', repo);
    expect(feature.workPackages.map((w) => [w.id, w.lane])).toEqual([
      ['WP01', 'in_progress'],
      ['WP02', 'approved'],
      ['WP03', 'planned'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('falls back to frontmatter lane, then legacy lane folders, then planned', async () => {
    const repo = await tempDir();
    await writeFeature(repo, {
      slug: 'f',
      wps: [
        { id: 'WP01', lane: 'doing' },
        { id: 'WP02', laneFolder: 'for_review' },
        { id: 'WP03', laneFolder: 'done/phase-1-foundation' },
        { id: 'WP04', laneFolder: 'doing', lane: 'done' },
        { id: 'WP05' },
        { id: 'WP06', lane: 'limbo' },
      ],
    });
    await mkdir(join(repo, 'kitty-specs', 'f', 'tasks', 'notes'));
    await writeFile(
      join(repo, 'kitty-specs', 'f', 'tasks', 'notes', 'WP77-ignored.md'),
      '# not a lane folder',
    );
    const { feature, warnings } = await readFeature('f', repo);
    expect(feature.workPackages.map((w) => [w.id, w.lane])).toEqual([
      ['WP01', 'in_progress'],
      ['WP02', 'for_review'],
      ['WP03', 'done'],
      ['WP04', 'done'],
      ['WP05', 'planned'],
      ['WP06', 'planned'],
    ]);
    expect(warnings).toEqual([
      'kitty-specs/f/tasks/WP06-work.md: lane: unknown lane "limbo", treating it as planned',
    ]);
  });

  it('reports a corrupt event line and an unknown event lane as warnings', async () => {
    const repo = await tempDir();
    const ok = JSON.stringify(laneEvent('WP01', 'in_progress'));
    const odd = JSON.stringify(laneEvent('WP01', 'sideways'));
    await writeFeature(repo, { slug: 'f', wps: [{ id: 'WP01' }], eventsText: `${ok}\n{broken\n${odd}\n` });
    const { feature, warnings } = await readFeature('f', repo);
    expect(feature.workPackages[0]!.lane).toBe('planned');
    expect(warnings).toEqual([
      'kitty-specs/f/status.events.jsonl:2: ignored a line that is not valid JSON',
      'kitty-specs/f/status.events.jsonl:3: unknown lane "sideways", treating it as planned',
    ]);
  });

  it('rejects a WP listed twice (top level and a lane folder), naming both files', async () => {
    const repo = await tempDir();
    await writeFeature(repo, { slug: 'f', wps: [{ id: 'WP01' }, { id: 'WP01', laneFolder: 'doing' }] });
    expect(await rejection(readFeature('f', repo), 'graph')).toBe(
      'duplicate work package id WP01: kitty-specs/f/tasks/WP01-work.md and kitty-specs/f/tasks/doing/WP01-work.md',
    );
  });

  it('rejects a missing dependency and a cycle', async () => {
    const repo = await tempDir();
    await writeFeature(repo, { slug: 'a', wps: [{ id: 'WP01', title: 'One', dependencies: ['WP07'] }] });
    expect(await rejection(readFeature('a', repo), 'graph')).toBe(
      'kitty-specs/a/tasks/WP01-one.md: WP01 depends on WP07, which does not exist',
    );
    await writeFeature(repo, {
      slug: 'b',
      wps: [
        { id: 'WP02', dependencies: ['WP05'] },
        { id: 'WP05', dependencies: ['WP02'] },
      ],
    });
    expect(await rejection(readFeature('b', repo), 'graph')).toMatch(
      /^dependency cycle: WP02 -> WP05 -> WP02 \(fix the dependencies in kitty-specs\/b\/tasks\/WP02-\S+\.md, kitty-specs\/b\/tasks\/WP05-\S+\.md\)$/,
    );
  });

  it('rejects unreadable frontmatter, naming the file and line', async () => {
    const repo = await tempDir();
    await writeFeature(repo, {
      slug: 'f',
      wps: [{ id: 'WP01', rawFrontmatter: 'title: ok\ndependencies: [WP02' }],
    });
    expect(await rejection(readFeature('f', repo), 'feature')).toMatch(
      /^kitty-specs\/f\/tasks\/WP01-work\.md: invalid frontmatter: .* at line \d+, column \d+$/,
    );
  });

  it('rejects a feature without WP files', async () => {
    const repo = await tempDir();
    await writeFeature(repo, { slug: 'f', wps: [] });
    expect(await rejection(readFeature('f', repo), 'feature')).toBe(
      'kitty-specs/f/tasks: no work package files (tasks/WP*.md)',
    );
  });

  it('reads a WP file without frontmatter and a feature outside the repo', async () => {
    const repo = await tempDir();
    const elsewhere = await tempDir();
    const dir = await writeFeature(elsewhere, {
      slug: 'x',
      wps: [{ id: 'WP01', raw: '# WP01: Bare file\n\nDo it.\n' }],
    });
    const { feature } = await readFeature(dir, repo);
    expect(feature.workPackages[0]).toMatchObject({
      id: 'WP01',
      title: 'Bare file',
      body: '# WP01: Bare file\n\nDo it.\n',
    });
  });

  it('reads 500 WPs', async () => {
    const repo = await tempDir();
    const wps = Array.from({ length: 500 }, (_, i) => ({
      id: `WP${String(i + 1).padStart(4, '0')}`,
      dependencies: i === 0 ? [] : [`WP${String(i).padStart(4, '0')}`],
      subtasks: [`T${i + 1}`],
    }));
    await writeFeature(repo, { slug: 'big', wps });
    const { feature } = await readFeature('big', repo);
    expect(feature.workPackages).toHaveLength(500);
    expect(feature.workPackages[499]!.dependencies).toEqual(['WP0499']);
  });
});

describe('the bundled demo feature', () => {
  const repoRoot = join(import.meta.dirname, '..', '..');

  it('has 8 planned WPs in two chains that join', async () => {
    const { feature, warnings } = await readFeature('demo/kitty-specs/001-checkout-flow', repoRoot);
    expect(warnings).toEqual([]);
    expect(feature.slug).toBe('001-checkout-flow');
    expect(Object.fromEntries(feature.workPackages.map((w) => [w.id, w.dependencies]))).toEqual({
      WP01: [],
      WP02: ['WP01'],
      WP03: ['WP02'],
      WP04: [],
      WP05: ['WP04'],
      WP06: ['WP05'],
      WP07: ['WP03', 'WP06'],
      WP08: ['WP07'],
    });
    for (const wp of feature.workPackages) {
      expect(wp.lane).toBe('planned');
      expect(wp.subtasks.length).toBeGreaterThanOrEqual(2);
      expect(wp.subtasks.length).toBeLessThanOrEqual(4);
      expect(wp.subtasks.every((s) => s.title !== '' && !s.done)).toBe(true);
      expect(wp.ownedFiles.length).toBeGreaterThan(0);
      expect(wp.body).toContain('## Acceptance');
      expect(relative(feature.dir, wp.promptFile)).toMatch(new RegExp(`^tasks/${wp.id}-[a-z0-9-]+\\.md$`));
    }
    expect(
      feature.workPackages.flatMap((w) => w.subtasks.filter((s) => s.parallel).map((s) => s.id)),
    ).toEqual(['T001', 'T005', 'T012', 'T017', 'T024']);
    const owned = feature.workPackages.flatMap((w) => w.ownedFiles);
    expect(new Set(owned).size).toBe(owned.length);
  });
});
