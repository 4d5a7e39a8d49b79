/**
 * Generates large spec-kitty features for benchmarks: a random DAG of WPs written to disk the way spec-kitty 3.x
 * writes them (frontmatter, prompt body, tasks.md, status.events.jsonl). Seeded, so runs are comparable.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export interface GraphSpec {
  wps: number;
  /** Most dependencies a WP gets; each picks among the WPs generated shortly before it (a realistic shape). */
  maxDeps?: number;
  /** How far back a dependency may reach. */
  window?: number;
  subtasksPerWp?: number;
  seed?: number;
}

export interface GeneratedWp {
  id: string;
  title: string;
  dependencies: string[];
  subtasks: string[];
}

/** mulberry32: a tiny seeded PRNG, good enough to shape test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'cart',
  'money',
  'tax',
  'shipping',
  'order',
  'payment',
  'webhook',
  'audit',
  'search',
  'export',
];

/** A random DAG: WP i depends only on WPs before it, so there is never a cycle. */
export function makeGraph(spec: GraphSpec): GeneratedWp[] {
  const next = random(spec.seed ?? 42);
  const width = String(spec.wps).length < 2 ? 2 : String(spec.wps).length;
  const ids = Array.from({ length: spec.wps }, (_, i) => `WP${String(i + 1).padStart(width, '0')}`);
  let subtask = 0;
  return ids.map((id, i) => {
    const deps = new Set<string>();
    const count = Math.floor(next() * ((spec.maxDeps ?? 3) + 1));
    for (let k = 0; k < count && i > 0; k++) {
      const back = 1 + Math.floor(next() * Math.min(i, spec.window ?? 40));
      deps.add(ids[i - back] as string);
    }
    const subtasks = Array.from(
      { length: spec.subtasksPerWp ?? 4 },
      () => `T${String(++subtask).padStart(4, '0')}`,
    );
    const title = `${WORDS[i % WORDS.length] ?? 'work'} module part ${i + 1}`;
    return { id, title, dependencies: [...deps].sort(), subtasks };
  });
}

export function wpFile(wp: GeneratedWp): string {
  const frontmatter = stringify({
    work_package_id: wp.id,
    title: wp.title,
    dependencies: wp.dependencies,
    subtasks: wp.subtasks,
    owned_files: [`src/${wp.id.toLowerCase()}/**`],
    execution_mode: 'code_change',
    requirement_refs: ['FR-001'],
    agent: 'claude',
    history: [
      { timestamp: '2026-01-01T00:00:00Z', lane: 'planned', agent: 'system', action: 'Prompt generated' },
    ],
  });
  const body = [
    `# Work Package Prompt: ${wp.id} – ${wp.title}`,
    '',
    '## Objectives & Success Criteria',
    `Implement ${wp.title} with tests. ${'Keep the public API small and documented. '.repeat(8)}`,
    '',
    '## Subtasks',
    ...wp.subtasks.map((t) => `- ${t}: do part of ${wp.title}`),
  ].join('\n');
  return `---\n${frontmatter}---\n\n${body}\n`;
}

function tasksMd(wps: readonly GeneratedWp[]): string {
  const parts = ['# Work Packages', ''];
  for (const wp of wps) {
    parts.push(`## Work Package ${wp.id}: ${wp.title}`, '', '### Included Subtasks');
    wp.subtasks.forEach((t, k) =>
      parts.push(`- [${k === 0 ? 'x' : ' '}] ${t} ${k % 2 ? '[P] ' : ''}Step ${k + 1}`),
    );
    parts.push('');
  }
  return parts.join('\n');
}

/** A lane event for every tenth WP, so the reader folds a real event log. */
function eventsJsonl(wps: readonly GeneratedWp[]): string {
  return wps
    .filter((_, i) => i % 10 === 0)
    .map((wp, k) =>
      JSON.stringify({
        event_id: `01BENCH${String(k).padStart(19, '0')}`,
        wp_id: wp.id,
        from_lane: 'planned',
        to_lane: 'done',
        actor: 'bench',
        at: new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString(),
      }),
    )
    .join('\n');
}

/** Write the feature to `<repoDir>/kitty-specs/<slug>/` and return its WPs. */
export async function writeGraphFeature(
  repoDir: string,
  slug: string,
  spec: GraphSpec,
): Promise<GeneratedWp[]> {
  const wps = makeGraph(spec);
  const dir = path.join(repoDir, 'kitty-specs', slug);
  await mkdir(path.join(dir, 'tasks'), { recursive: true });
  await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ mission_slug: slug, target_branch: 'main' }));
  await writeFile(path.join(dir, 'spec.md'), `# Feature Specification: ${slug}\n`);
  await writeFile(path.join(dir, 'tasks.md'), tasksMd(wps));
  await writeFile(path.join(dir, 'status.events.jsonl'), `${eventsJsonl(wps)}\n`);
  await Promise.all(
    wps.map((wp) => writeFile(path.join(dir, 'tasks', `${wp.id}-part-${wp.id.slice(2)}.md`), wpFile(wp))),
  );
  return wps;
}
