/**
 * Reads a spec-kitty feature directory into a validated Feature: WP prompt files, tasks.md subtasks and
 * lanes (3.x event log, else frontmatter `lane`, else legacy lane folder, else planned).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { KittyError } from '../errors.js';
import { neutralise } from '../neutralise.js';
import { latestLanes, parseLaneEvents, readStatusLogText, type LaneEvent } from './events.js';
import { mergeSubtask } from './fields.js';
import { listWpFiles, type WpFileRef } from './files.js';
import { compareIds, WpIdResolver } from './ids.js';
import { normaliseLane } from './lanes.js';
import { resolveFeatureDir } from './resolve.js';
import { applySubtaskMarks, parseSubtaskMarks } from './subtask-marks.js';
import { parseTasksMd } from './tasks-md.js';
import type { Feature, Lane, Subtask, WorkPackage } from './types.js';
import { validateWorkPackages } from './validate.js';
import { parseWorkPackageFile, type WpDraft } from './wp-file.js';

interface Loaded {
  file: WpFileRef;
  draft: WpDraft;
}

/** What lane sources say, gathered once per feature. */
interface LaneSources {
  /** Latest event per (resolved) WP id, or undefined when the feature has no status.events.jsonl. */
  events: Map<string, LaneEvent> | undefined;
  logPath: string;
}

/**
 * Reads the feature `ref` (a directory, or a slug/prefix under `<repoDir>/kitty-specs/`).
 * Throws KittyError: 'usage' for an unknown feature, 'feature' for unreadable files, 'graph' for a
 * duplicate id, a missing dependency or a cycle. Tolerated oddities come back as `warnings`.
 */
export async function readFeature(
  ref: string,
  repoDir: string,
): Promise<{ feature: Feature; warnings: string[] }> {
  const dir = await resolveFeatureDir(ref, repoDir);
  const display = (p: string): string => {
    const rel = relative(repoDir, p);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const warnings: string[] = [];
  const loaded = loadDrafts(await listWpFiles(dir, display), display, warnings);
  const resolver = new WpIdResolver(loaded.map((l) => l.draft.id));
  const subtasks = await readTasksMd(join(dir, 'tasks.md'), resolver, display, warnings);
  // One read of spec-kitty's log serves both the lanes and the subtask marks.
  const logPath = join(dir, 'status.events.jsonl');
  const logText = await readStatusLogText(logPath);
  const lanes = readLanes(logText, display(logPath), resolver, warnings);
  const marks = parseSubtaskMarks(logText ?? '');
  const drafts = loaded.map((l) => toWorkPackage(l, resolver, subtasks, lanes, display, warnings));
  const workPackages = applySubtaskMarks(drafts, marks, (id) => resolver.resolve(id));
  validateWorkPackages(workPackages.map((wp) => ({ ...wp, file: display(wp.promptFile) })));
  workPackages.sort((a, b) => compareIds(a.id, b.id));
  return { feature: { slug: basename(dir), dir, workPackages }, warnings };
}

/**
 * Read synchronously: 1,000 small WP files take about 10 ms so, and five to ten times that through the promise
 * API (four thread-pool round trips per file). Warnings come in file order.
 */
function loadDrafts(files: WpFileRef[], display: (p: string) => string, warnings: string[]): Loaded[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file.path, 'utf8');
    } catch (cause) {
      throw new KittyError('feature', `${display(file.path)}: cannot read: ${String(cause)}`, { cause });
    }
    const parsed = parseWorkPackageFile(text, display(file.path), file.fileName);
    warnings.push(...parsed.warnings);
    return { file, draft: parsed.draft };
  });
}

/** Subtasks per existing WP id from tasks.md (absent file: none). */
async function readTasksMd(
  path: string,
  resolver: WpIdResolver,
  display: (p: string) => string,
  warnings: string[],
): Promise<Map<string, Subtask[]>> {
  const text = await readOptional(path, display);
  const out = new Map<string, Subtask[]>();
  if (text === undefined) return out;
  for (const [key, list] of parseTasksMd(text)) {
    const id = resolver.resolve(key);
    if (id === undefined) {
      warnings.push(`${display(path)}: subtasks listed for ${key}, which has no prompt file`);
      continue;
    }
    out.set(id, mergeLists(out.get(id) ?? [], list));
  }
  return out;
}

function readLanes(
  text: string | undefined,
  logPath: string,
  resolver: WpIdResolver,
  warnings: string[],
): LaneSources {
  if (text === undefined) return { events: undefined, logPath };
  const log = parseLaneEvents(text, logPath);
  warnings.push(...log.warnings);
  // Events for WPs that no longer have a prompt file are history, not an error.
  const known = log.events.flatMap((e) => {
    const id = resolver.resolve(e.wpId);
    return id === undefined ? [] : [{ ...e, wpId: id }];
  });
  return { events: latestLanes(known), logPath };
}

function toWorkPackage(
  { file, draft }: Loaded,
  resolver: WpIdResolver,
  subtasks: Map<string, Subtask[]>,
  lanes: LaneSources,
  display: (p: string) => string,
  warnings: string[],
): WorkPackage {
  const dependencies = [...new Set(draft.dependencies.map((d) => resolver.resolve(d) ?? d))];
  const lane = laneOf(draft, file, lanes, display(file.path));
  if (lane.warning !== undefined) warnings.push(lane.warning);
  return {
    id: draft.id,
    // Titles are printed by plan, status, the live view and the reports: no escape sequence gets through.
    title: oneLine(draft.title),
    dependencies,
    // tasks.md gives titles, done marks and [P]; the frontmatter adds ids tasks.md does not list.
    subtasks: mergeLists(subtasks.get(draft.id) ?? [], draft.subtasks).map((s) => ({
      ...s,
      title: oneLine(s.title),
    })),
    ownedFiles: draft.ownedFiles,
    lane: lane.lane,
    promptFile: file.path,
    body: draft.body,
  };
}

const oneLine = (text: string): string => neutralise(text, { singleLine: true });

/** The log decides when it exists (a WP without events is planned); else frontmatter; else the folder. */
function laneOf(
  draft: WpDraft,
  file: WpFileRef,
  lanes: LaneSources,
  where: string,
): { lane: Lane; warning?: string } {
  if (lanes.events !== undefined) {
    const event = lanes.events.get(draft.id);
    return event === undefined
      ? { lane: 'planned' }
      : normaliseLane(event.toLane, `${lanes.logPath}:${event.line}`);
  }
  if (draft.lane !== undefined && draft.lane !== null && draft.lane !== '')
    return normaliseLane(draft.lane, `${where}: lane`);
  if (file.laneFolder !== undefined) return normaliseLane(file.laneFolder, where);
  return { lane: 'planned' };
}

function mergeLists(first: Subtask[], second: Subtask[]): Subtask[] {
  const byId = new Map(first.map((s) => [s.id, s]));
  for (const s of second) {
    const prev = byId.get(s.id);
    byId.set(s.id, prev === undefined ? s : mergeSubtask(prev, s));
  }
  return [...byId.values()];
}

async function readOptional(path: string, display: (p: string) => string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KittyError('feature', `${display(path)}: cannot read: ${String(cause)}`, { cause });
  }
}
