/**
 * Builds spec-kitty feature directories in temp dirs for tests. `writeFeature` writes
 * `<dir>/kitty-specs/<slug>/` with tasks/WP*.md prompt files, tasks.md and (optionally) status.events.jsonl.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { stringify } from 'yaml';

export interface SubtaskSpec {
  id: string;
  title?: string;
  done?: boolean;
  parallel?: boolean;
}

export interface WpSpec {
  id: string;
  title?: string;
  dependencies?: string[];
  /** Ids go into the frontmatter; titles/done/[P] into the generated tasks.md. */
  subtasks?: (string | SubtaskSpec)[];
  ownedFiles?: string[];
  /** Frontmatter `lane` (spec-kitty <= 2.x). */
  lane?: string;
  /** Write the file under tasks/<laneFolder>/ (pre-0.9 lane folders; may contain a slash). */
  laneFolder?: string;
  /** Default `<id>-<title as slug>.md`. */
  fileName?: string;
  /** Markdown after the frontmatter. Default: a heading and one line. */
  body?: string;
  /** Replaces the generated YAML between the `---` fences, verbatim. */
  rawFrontmatter?: string;
  /** Replaces the whole file, verbatim (no fences added). */
  raw?: string;
}

export interface FeatureSpec {
  slug: string;
  wps: WpSpec[];
  /** tasks.md text. Default: generated from the WPs (checkbox format); `false`: no tasks.md. */
  tasksMd?: string | false;
  /** Written as status.events.jsonl, one JSON object a line. See laneEvent(). */
  events?: object[];
  /** Written verbatim as status.events.jsonl (wins over `events`). */
  eventsText?: string;
}

const subtaskOf = (s: string | SubtaskSpec): SubtaskSpec => (typeof s === 'string' ? { id: s } : s);
const slugOf = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'work';

function frontmatterOf(wp: WpSpec): string {
  if (wp.rawFrontmatter !== undefined) return wp.rawFrontmatter;
  const fm: Record<string, unknown> = {
    work_package_id: wp.id,
    title: wp.title ?? `Work ${wp.id}`,
    dependencies: wp.dependencies ?? [],
    subtasks: (wp.subtasks ?? []).map((s) => subtaskOf(s).id),
    owned_files: wp.ownedFiles ?? [],
    execution_mode: 'code_change',
  };
  if (wp.lane !== undefined) fm.lane = wp.lane;
  return stringify(fm).trimEnd();
}

function wpFileText(wp: WpSpec): string {
  if (wp.raw !== undefined) return wp.raw;
  const title = wp.title ?? `Work ${wp.id}`;
  const body = wp.body ?? `\n# Work Package Prompt: ${wp.id} – ${title}\n\nImplement ${title}.\n`;
  return `---\n${frontmatterOf(wp)}\n---\n${body}`;
}

/** A checkbox-format tasks.md with one `## Work Package` section per WP. */
export function tasksMdFor(wps: readonly WpSpec[]): string {
  const parts = ['# Work Packages\n'];
  for (const wp of wps) {
    parts.push(`## Work Package ${wp.id}: ${wp.title ?? `Work ${wp.id}`}\n\n### Included Subtasks\n`);
    for (const s of (wp.subtasks ?? []).map(subtaskOf)) {
      parts.push(
        `- [${s.done === true ? 'x' : ' '}] ${s.id} ${s.parallel === true ? '[P] ' : ''}${s.title ?? `Do ${s.id}`}`,
      );
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** Writes the feature under `<dir>/kitty-specs/<slug>/` and returns that directory. */
export async function writeFeature(dir: string, spec: FeatureSpec): Promise<string> {
  const featureDir = join(dir, 'kitty-specs', spec.slug);
  await mkdir(join(featureDir, 'tasks'), { recursive: true });
  const meta = { mission_slug: spec.slug, mission_type: 'software-dev', target_branch: 'main' };
  await writeFile(join(featureDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeFile(join(featureDir, 'spec.md'), `# Feature Specification: ${spec.slug}\n`);
  const files = spec.wps.map((wp) => ({
    folder:
      wp.laneFolder === undefined ? join(featureDir, 'tasks') : join(featureDir, 'tasks', wp.laneFolder),
    name: wp.fileName ?? `${wp.id}-${slugOf(wp.title ?? 'work')}.md`,
    text: wpFileText(wp),
  }));
  for (const folder of new Set(files.map((f) => f.folder))) await mkdir(folder, { recursive: true });
  await Promise.all(files.map((f) => writeFile(join(f.folder, f.name), f.text)));
  if (spec.tasksMd !== false)
    await writeFile(join(featureDir, 'tasks.md'), spec.tasksMd ?? tasksMdFor(spec.wps));
  const events = spec.eventsText ?? spec.events?.map((e) => `${JSON.stringify(e)}\n`).join('');
  if (events !== undefined) await writeFile(join(featureDir, 'status.events.jsonl'), events);
  return featureDir;
}

let eventCounter = 0;

/**
 * A spec-kitty 3.x lane-change event. `at` increases by one second per call (so file order is time order);
 * `extra` overrides any field.
 */
export function laneEvent(wpId: string, toLane: string, extra: Record<string, unknown> = {}): object {
  eventCounter++;
  const at = new Date(Date.UTC(2026, 0, 1) + eventCounter * 1000).toISOString();
  return {
    event_id: `01TEST${String(eventCounter).padStart(20, '0')}`,
    wp_id: wpId,
    from_lane: 'planned',
    to_lane: toLane,
    actor: 'test',
    at,
    execution_mode: 'worktree',
    force: false,
    ...extra,
  };
}

/** A fresh temp dir per call, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kitty-feature-'));
    made.push(dir);
    return dir;
  };
}
