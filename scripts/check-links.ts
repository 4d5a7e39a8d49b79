/**
 * Checks that every relative link in the repository's markdown resolves: the file exists, and a `#fragment`
 * names a heading of the target. Run by `.ci/run` (`npm run check-links`) and by test/docs/links.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  '.tmp',
  '.worktrees',
  'coverage',
  '.kittify',
]);

/** Hidden directories (git internals, virtualenvs such as .venv-spec-kitty, tool caches) are not our docs. */
const skipped = (name: string): boolean =>
  SKIP_DIRS.has(name) || (name.startsWith('.') && name !== '.github');

/** Every `*.md` under `dir`, skipping build output, dependencies, hidden directories and git internals. */
export function markdownFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !skipped(entry.name)) found.push(...markdownFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.md')) found.push(full);
  }
  return found.sort();
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown outside fenced code blocks and inline code, where links are links. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors of a markdown file's headings (outside fenced code). */
function headingAnchors(file: string): Set<string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  let fenced = false;
  const found = new Set<string>();
  for (const line of lines) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) found.add(slug(line.replace(/^#+ /, '')));
  }
  return found;
}

/** The broken relative links of one markdown file, as `file: link (why)`. */
export function brokenLinks(file: string, root: string): string[] {
  const problems: string[] = [];
  const links = prose(readFileSync(file, 'utf8')).matchAll(
    /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
  );
  for (const [, target = ''] of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [rel = '', fragment] = target.split('#');
    const resolved = rel === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rel));
    const where = `${path.relative(root, file)}: ${target}`;
    if (!existsSync(resolved)) problems.push(`${where} (no such file)`);
    else if (fragment && statSync(resolved).isFile() && resolved.endsWith('.md')) {
      if (!headingAnchors(resolved).has(fragment)) problems.push(`${where} (no heading #${fragment})`);
    }
  }
  return problems;
}

/** Every broken relative link in the markdown under `root`. */
export function checkLinks(root: string): string[] {
  return markdownFiles(root).flatMap((file) => brokenLinks(file, root));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLinks(root);
  for (const problem of problems) console.error(`broken link: ${problem}`);
  console.log(`${markdownFiles(root).length} markdown files checked, ${problems.length} broken links`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
