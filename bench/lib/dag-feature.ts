/**
 * Seeded, layered random DAG features for the engine benchmark. Real plans are layered (a model, then services
 * on it, then APIs, then UI) with mostly one or two dependencies on the layer just below and the odd one
 * reaching further back; a few WPs stand alone. Written in the spec-kitty 3.x layout the reader expects.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export interface DagSpec {
  wps: number;
  seed: number;
}

export interface DagWp {
  id: string;
  title: string;
  layer: number;
  dependencies: string[];
  subtasks: string[];
}

/** How many dependencies a non-root WP gets: mostly one or two, sometimes three or four (fan-in). */
const FAN_IN_WEIGHTS: readonly [number, number][] = [
  [1, 0.45],
  [2, 0.3],
  [3, 0.17],
  [4, 0.08],
];
/** Share of dependencies picked from any earlier layer instead of the one just below. */
const LONG_REACH = 0.2;
/** Share of WPs past the first layer with no dependency at all. */
const STANDALONE = 0.05;

/** mulberry32: a tiny seeded PRNG, plenty to shape benchmark data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Layer sizes summing to `n`: about sqrt(n)/1.5 layers (at least 3), each 50-150% of the mean width. */
function layerSizes(n: number, next: () => number): number[] {
  const layers = Math.max(3, Math.round(Math.sqrt(n) / 1.5));
  const raw = Array.from({ length: layers }, () => 0.5 + next());
  const total = raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(1, Math.floor((r / total) * n)));
  for (let i = 0; sizes.reduce((a, b) => a + b, 0) < n; i++) sizes[i % layers]! += 1;
  return sizes;
}

function fanIn(next: () => number): number {
  let roll = next();
  for (const [count, weight] of FAN_IN_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return count;
  }
  return 1;
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)]!;
}

/** A layered DAG of `spec.wps` WPs: layer k depends only on layers < k, so there is never a cycle. */
export function makeLayeredDag(spec: DagSpec): DagWp[] {
  const next = seededRandom(spec.seed);
  const width = Math.max(2, String(spec.wps).length);
  const layers: string[][] = [];
  const wps: DagWp[] = [];
  let subtask = 0;
  for (const size of layerSizes(spec.wps, next)) {
    const layer: string[] = [];
    for (let k = 0; k < size; k++) {
      const id = `WP${String(wps.length + 1).padStart(width, '0')}`;
      const deps = new Set<string>();
      if (layers.length > 0 && next() >= STANDALONE) {
        const wanted = fanIn(next);
        for (let d = 0; d < wanted; d++) {
          const from = next() < LONG_REACH ? pick(layers, next) : layers[layers.length - 1]!;
          deps.add(pick(from, next));
        }
      }
      const subtasks = Array.from(
        { length: next() < 0.5 ? 1 : 2 },
        () => `T${String(++subtask).padStart(4, '0')}`,
      );
      const title = `Layer ${layers.length + 1} part ${k + 1}`;
      wps.push({ id, title, layer: layers.length, dependencies: [...deps].sort(), subtasks });
      layer.push(id);
    }
    layers.push(layer);
  }
  return wps;
}

function wpFile(wp: DagWp): string {
  const frontmatter = stringify({
    work_package_id: wp.id,
    title: wp.title,
    dependencies: wp.dependencies,
    subtasks: wp.subtasks,
    owned_files: [`src/${wp.id.toLowerCase()}/**`],
    execution_mode: 'code_change',
  });
  const body = [
    `# Work Package Prompt: ${wp.id} – ${wp.title}`,
    '',
    '## Objective',
    '',
    `Build ${wp.title.toLowerCase()} with tests.`,
    '',
    '## Subtasks',
    '',
    ...wp.subtasks.map((t) => `- ${t}: one step of ${wp.id}`),
  ].join('\n');
  return `---\n${frontmatter}---\n\n${body}\n`;
}

function tasksMd(wps: readonly DagWp[]): string {
  const parts = ['# Work Packages', ''];
  for (const wp of wps) {
    parts.push(`## Work Package ${wp.id}: ${wp.title}`, '', '### Included Subtasks', '');
    for (const t of wp.subtasks) parts.push(`- [ ] ${t} One step of ${wp.id}`);
    parts.push('');
  }
  return parts.join('\n');
}

/** Write the DAG as `<repoDir>/kitty-specs/<slug>/` (meta.json, spec.md, tasks.md, tasks/WP*.md). */
export async function writeDagFeature(repoDir: string, slug: string, wps: readonly DagWp[]): Promise<void> {
  const dir = path.join(repoDir, 'kitty-specs', slug);
  await mkdir(path.join(dir, 'tasks'), { recursive: true });
  const meta = { mission_slug: slug, mission_type: 'software-dev', target_branch: 'main' };
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeFile(path.join(dir, 'spec.md'), `# Feature Specification: ${slug}\n`);
  await writeFile(path.join(dir, 'tasks.md'), tasksMd(wps));
  await Promise.all(
    wps.map((wp) => writeFile(path.join(dir, 'tasks', `${wp.id}-layer-part.md`), wpFile(wp))),
  );
}
