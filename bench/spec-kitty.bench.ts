/**
 * The spec-kitty host against the standalone host on the same real spec-kitty 3.2.7 mission (5 WPs:
 * WP01 -> {WP02, WP03} -> WP04, WP05 alone), with the sim agent sleeping `--duration` ms per invocation.
 * Prints each host's makespan beside the scheduling lower bound max(critical path, total work / slots),
 * where a WP's work is what its agent processes took. Needs spec-kitty (SPEC_KITTY_BIN, .venv-spec-kitty/ or
 * PATH). Asserts nothing.
 *
 *   npx tsx bench/spec-kitty.bench.ts [--duration 2000] [--runs 1]
 */
import { parseArgs } from 'node:util';
import { runFeature } from '../src/run-feature.js';
import type { HostKind } from '../src/host/kinds.js';
import {
  buildTemplate,
  copyProject,
  findSpecKitty,
  SKIP_MESSAGE,
} from '../test/spec-kitty/real-spec-kitty.js';
import { ourEvents } from '../test/spec-kitty/our-events.js';
import { runMetrics } from './lib/engine-metrics.js';

const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(1)} s`;
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '2000' }, runs: { type: 'string', default: '1' } },
  });
  const durationMs = Number(values.duration);
  const bin = findSpecKitty();
  if (!bin) {
    console.log(`spec-kitty bench skipped: ${SKIP_MESSAGE}`);
    return;
  }
  const agents = {
    version: '1.0',
    agents: { sim: { max_concurrent: 4, options: { duration_ms: durationMs } } },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    global: { concurrency: 4 },
  };
  console.log(`spec-kitty ${bin}; sim ${durationMs} ms per invocation, 4 slots; building the mission…`);
  const template = await buildTemplate(bin);
  try {
    for (let i = 0; i < Number(values.runs); i++) {
      for (const host of ['spec-kitty', 'standalone'] as HostKind[]) {
        const project = await copyProject(bin, template, JSON.parse(JSON.stringify(agents)) as unknown);
        try {
          const started = Date.now();
          const { run } = await runFeature({
            ...{ repoDir: project.dir, feature: project.slug, logger: quiet, env: project.env, host },
          });
          const wall = Date.now() - started;
          const m = runMetrics({
            events: await ourEvents(project.dir, project.slug),
            firstLines: new Map(),
            slots: 4,
            intendedSleepMs: () => durationMs,
          });
          const row = [
            host.padEnd(10),
            run.status.padEnd(9),
            `makespan ${seconds(m.makespanMs)}`,
            `lower bound ${seconds(m.boundMs)}`,
            `x${(m.makespanMs / m.boundMs).toFixed(2)}`,
            `(whole call ${seconds(wall)}; ${(await project.events()).filter((e) => e.actor === 'kitty-orchestrator').length} spec-kitty records of ours)`,
          ];
          console.log(row.join('  '));
        } finally {
          await project.dispose();
        }
      }
    }
  } finally {
    await template.dispose();
  }
}

await main();
