import pc from 'picocolors';
import type { Lane } from '../feature/types.js';
import { planFeature, type PlanView } from '../plan.js';
import { toJsonOutput } from '../report/json-keys.js';
import type { CliIO } from './io.js';
import { repoRoot } from './repo-root.js';

type Colors = ReturnType<typeof pc.createColors>;

function laneColor(lane: Lane, c: Colors): (text: string) => string {
  switch (lane) {
    case 'done':
    case 'approved':
      return c.green;
    case 'failed':
    case 'blocked':
    case 'canceled':
      return c.red;
    case 'claimed':
    case 'in_progress':
    case 'for_review':
    case 'in_review':
      return c.yellow;
    case 'planned':
      return c.dim;
  }
}

/** Cut `text` to `width` characters, marking the cut. */
const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;

const TITLE_WIDTH = 60;
const DEPS_WIDTH = 40;

/** The human table: one row per WP, then the waves and the critical path. */
export function renderPlan(view: PlanView, color: boolean): string {
  const c = pc.createColors(color);
  const waveOf = new Map(view.waves.flatMap((wave, k) => wave.map((id) => [id, k + 1] as const)));
  const critical = new Set(view.critical_path);
  const rows = view.work_packages.map((wp) => ({
    cells: [
      wp.id,
      wp.lane,
      `${wp.subtasks.filter((s) => s.done).length}/${wp.subtasks.length}`,
      String(waveOf.get(wp.id) ?? '?'),
      clip(wp.dependencies.join(',') || '-', DEPS_WIDTH),
      clip(wp.title, TITLE_WIDTH),
    ],
    lane: wp.lane,
    critical: critical.has(wp.id),
  }));
  const header = ['ID', 'LANE', 'SUBTASKS', 'WAVE', 'DEPENDS ON', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: string[], paint: (text: string, i: number) => string): string =>
    cells
      .map((cell, i) => paint(i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0), i))
      .join('  ')
      .trimEnd();
  const count = view.work_packages.length;
  const out = [
    `${c.bold(view.feature)}: ${count} work package${count === 1 ? '' : 's'}, ${view.waves.length} wave${view.waves.length === 1 ? '' : 's'}`,
    '',
    line(header, (text) => c.bold(text)),
    ...rows.map((row) =>
      line(row.cells, (text, i) =>
        i === 1 ? laneColor(row.lane, c)(text) : i === 0 && row.critical ? c.cyan(text) : text,
      ),
    ),
    '',
    'Waves (the WPs of a wave can run in parallel):',
    ...view.waves.map(
      (wave, k) => `  ${String(k + 1).padStart(String(view.waves.length).length)}  ${wave.join(' ')}`,
    ),
    '',
    `Critical path (${view.critical_path.length} WP${view.critical_path.length === 1 ? '' : 's'}): ${c.cyan(view.critical_path.join(' -> ') || '-')}`,
  ];
  return `${out.join('\n')}\n`;
}

/** Read the feature and print its plan; warnings from the reader go to stderr. */
export async function showPlan(
  io: CliIO,
  options: { repo: string; feature: string; json: boolean },
): Promise<void> {
  const repoDir = await repoRoot(io, options.repo, { requireGit: false });
  const { plan: view, warnings } = await planFeature(repoDir, options.feature);
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
  if (options.json) io.stdout(`${toJsonOutput(view)}\n`);
  else io.stdout(renderPlan(view, io.isTTY && !io.env.NO_COLOR));
}
