/**
 * One WP prompt file (`tasks/WP01-title.md`) -> a draft work package: frontmatter read tolerantly, the body
 * kept as the implementer's prompt. Lanes and cross-WP checks are decided later, with the whole feature known.
 */
import { coerceIdList, coerceStringList, coerceSubtasks, scalarText, show, type Warn } from './fields.js';
import { parseFrontmatter, splitFrontmatter } from './frontmatter.js';
import { wpIdFromFileName, wpKey } from './ids.js';
import type { Subtask } from './types.js';

export interface WpDraft {
  id: string;
  title: string;
  /** References as written (trimmed); resolved against existing ids by the reader. */
  dependencies: string[];
  subtasks: Subtask[];
  ownedFiles: string[];
  /** The frontmatter `lane` (spec-kitty <= 2.x), unnormalised. */
  lane: unknown;
  body: string;
}

/**
 * Parses a WP prompt file. `path` is how messages name the file; `fileName` its base name.
 * Throws KittyError('feature') only for frontmatter that cannot be read at all.
 */
export function parseWorkPackageFile(
  text: string,
  path: string,
  fileName: string,
): { draft: WpDraft; warnings: string[] } {
  const warnings: string[] = [];
  const warn: Warn = (message) => warnings.push(`${path}: ${message}`);
  const split = splitFrontmatter(text, path);
  const fm = split.yaml === null ? {} : parseFrontmatter(split.yaml, path, split.yamlLine);
  const id = idOf(fm.work_package_id, fileName, warn);
  const draft: WpDraft = {
    id,
    title: titleOf(fm, split.body, fileName, id),
    dependencies: coerceIdList(fm.dependencies, 'dependencies', warn),
    subtasks: coerceSubtasks(fm.subtasks, 'subtasks', warn),
    ownedFiles: coerceStringList(fm.owned_files, 'owned_files', warn),
    lane: fm.lane,
    body: split.body,
  };
  return { draft, warnings };
}

/** `work_package_id`, else the id in the file name, else the file name's first word. */
function idOf(value: unknown, fileName: string, warn: Warn): string {
  const fromName = wpIdFromFileName(fileName);
  let fromFrontmatter = scalarText(value);
  if (typeof value === 'number' && Number.isInteger(value)) {
    // `work_package_id: 01` is the number 1 in YAML 1.2; spec-kitty means WP01.
    fromFrontmatter = `WP${String(value).padStart(2, '0')}`;
  }
  if (value !== undefined && value !== null && fromFrontmatter === undefined) {
    warn(`work_package_id ${show(value)} is not a string, using the file name`);
  }
  if (fromFrontmatter !== undefined && fromFrontmatter !== '') {
    if (fromName !== undefined && wpKey(fromName) !== wpKey(fromFrontmatter)) {
      warn(`work_package_id ${fromFrontmatter} differs from the file name; using ${fromFrontmatter}`);
    }
    return fromFrontmatter;
  }
  return fromName ?? fileName.replace(/\.md$/i, '').split('-')[0] ?? fileName;
}

/** `title`, else `work_package_title` (old versions), else the first `# ` heading, else the file name. */
function titleOf(fm: Record<string, unknown>, body: string, fileName: string, id: string): string {
  for (const value of [fm.title, fm.work_package_title]) {
    const text = scalarText(value);
    if (text !== undefined && text !== '') return text;
  }
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(body)?.[1];
  if (heading !== undefined) {
    const title = stripIdPrefix(heading.replace(/^work\s+package\s+prompt\s*:\s*/i, ''));
    if (title !== '') return title;
  }
  const fromName = stripIdPrefix(fileName.replace(/\.md$/i, '')).replace(/[-_]+/g, ' ').trim();
  return fromName !== '' ? fromName : id;
}

/** `WP01 – Checkout form` -> `Checkout form`; `WP01` alone stays `WP01`. */
function stripIdPrefix(text: string): string {
  const stripped = text.replace(/^WP\d+\s*[-–—:.]\s*/i, '').trim();
  return stripped !== '' ? stripped : text.trim();
}
