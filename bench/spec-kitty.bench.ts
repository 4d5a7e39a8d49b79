/**
 * The spec-kitty host against the standalone host on the same real spec-kitty 3.2.7 mission (5 WPs:
 * WP01 -> {WP02, WP03} -> WP04, WP05 alone), with the sim agent sleeping `--duration` ms per invocation.
 * Prints each host's makespan beside the scheduling lower bound max(critical path, total work / slots),
 * where a WP's work is what its agent processes took, and what one spec-kitty call costs as a process of its
 * own and through the warm helper (src/host/spec-kitty-helper.ts). `--without-helper` also runs the spec-kitty
 * host with the helper off. Needs spec-kitty (SPEC_KITTY_BIN, .venv-spec-kitty/ or PATH). Asserts nothing.
 * The output ends with one `summary:` line per figure (medians over `--runs`).
 *
 *   npx tsx bench/spec-kitty.bench.ts [--duration 2000] [--runs 1] [--calls 5] [--without-helper]
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { HEADLESS_ENV } from '../src/host/spec-kitty-cli.js';
import { consoleScriptPython, startSpecKittyHelper } from '../src/host/spec-kitty-helper.js';
import { HELPER_SWITCH } from '../src/host/spec-kitty.js';
import { runFeature } from '../src/run-feature.js';
import type { HostKind } from '../src/host/kinds.js';
import {
  buildTemplate,
  copyProject,
  findSpecKitty,
  SKIP_MESSAGE,
  type SpecKittyProject,
} from '../test/spec-kitty/real-spec-kitty.js';
import { ourEvents } from '../test/spec-kitty/our-events.js';
import { runMetrics } from './lib/engine-metrics.js';

const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(2)} s`;
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const exec = promisify(execFile);

/** The call measured: read-only, so it can be repeated on one project. */
const CALL = ['orchestrator-api', 'mission-state', '--mission'];

interface Variant {
  label: string;
  host: HostKind;
  env: Record<string, string>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '1' },
      calls: { type: 'string', default: '5' },
      'without-helper': { type: 'boolean', default: false },
    },
  });
  const durationMs = Number(values.duration);
  const bin = findSpecKitty();
  if (!bin) {
    console.log(`spec-kitty bench skipped: ${SKIP_MESSAGE}`);
    return;
  }
  const variants: Variant[] = [
    { label: 'spec-kitty', host: 'spec-kitty', env: {} },
    { label: 'standalone', host: 'standalone', env: {} },
  ];
  if (values['without-helper'])
    variants.push({
      label: 'spec-kitty without the helper',
      host: 'spec-kitty',
      env: { [HELPER_SWITCH]: '0' },
    });
  const agents = {
    version: '1.0',
    agents: { sim: { max_concurrent: 4, options: { duration_ms: durationMs } } },
    single_agent_mode: { enabled: true, agent: 'sim', delay_seconds: 0 },
    global: { concurrency: 4 },
  };
  console.log(`spec-kitty ${bin}; sim ${durationMs} ms per invocation, 4 slots; building the mission…`);
  const template = await buildTemplate(bin);
  const makespans = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const bounds: number[] = [];
  let calls: CallCosts | null = null;
  try {
    for (let i = 0; i < Number(values.runs); i++) {
      for (const variant of variants) {
        const project = await copyProject(bin, template, JSON.parse(JSON.stringify(agents)) as unknown);
        try {
          const m = await runOnce(project, variant, durationMs);
          makespans.get(variant.label)?.push(m.makespanMs);
          if (variant.host === 'standalone') bounds.push(m.boundMs);
          if (calls === null && variant.host === 'standalone') {
            calls = await callCosts(bin, project, Number(values.calls));
          }
        } finally {
          await project.dispose();
        }
      }
    }
  } finally {
    await template.dispose();
  }
  printSummary(makespans, median(bounds), calls);
}

async function runOnce(project: SpecKittyProject, variant: Variant, durationMs: number) {
  const started = Date.now();
  const { run } = await runFeature({
    ...{ repoDir: project.dir, feature: project.slug, logger: quiet, host: variant.host },
    env: { ...project.env, ...variant.env },
  });
  const wall = Date.now() - started;
  const m = runMetrics({
    events: await ourEvents(project.dir, project.slug),
    firstLines: new Map(),
    slots: 4,
    intendedSleepMs: () => durationMs,
  });
  const records = (await project.events()).filter((e) => e.actor === 'kitty-orchestrator').length;
  console.log(
    [
      variant.label.padEnd(10),
      run.status.padEnd(9),
      `makespan ${seconds(m.makespanMs)}`,
      `lower bound ${seconds(m.boundMs)}`,
      `x${(m.makespanMs / m.boundMs).toFixed(2)}`,
      `(whole call ${seconds(wall)}; ${records} spec-kitty records of ours)`,
    ].join('  '),
  );
  return m;
}

interface CallCosts {
  process: { wallMs: number; cpuMs: number };
  helper: { wallMs: number; cpuMs: number } | null;
}

/** One read-only call, `n` times as a process of its own and `n` times through a warm helper (medians). */
async function callCosts(bin: string, project: SpecKittyProject, n: number): Promise<CallCosts> {
  const argv = [...CALL, project.slug];
  const env = { ...project.env, ...HEADLESS_ENV };
  const python = await consoleScriptPython(bin);
  const own: { wallMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < n; i++) own.push(await processCall(python ?? 'python3', bin, argv, project.dir, env));
  let helper: CallCosts['helper'] = null;
  if (python !== null) {
    const h = startSpecKittyHelper({ python, script: bin, cwd: project.dir, env });
    await h.call(argv, 120_000); // the first call waits for the helper's start-up
    const warm: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < n; i++) {
      const outcome = await h.call(argv, 120_000);
      warm.push({ wallMs: outcome?.durationMs ?? NaN, cpuMs: outcome?.cpuMs ?? NaN });
    }
    await h.close();
    helper = { wallMs: median(warm.map((c) => c.wallMs)), cpuMs: median(warm.map((c) => c.cpuMs)) };
  }
  return {
    process: { wallMs: median(own.map((c) => c.wallMs)), cpuMs: median(own.map((c) => c.cpuMs)) },
    helper,
  };
}

/** `spec-kitty <argv>` as its own process; its CPU time read by a Python parent (getrusage of children). */
async function processCall(
  python: string,
  bin: string,
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; cpuMs: number }> {
  const measure =
    'import resource, subprocess, sys\n' +
    'subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n' +
    'u = resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
    'print(round((u.ru_utime + u.ru_stime) * 1000))';
  const started = Date.now();
  const { stdout } = await exec(python, ['-c', measure, bin, ...argv], { cwd, env });
  return { wallMs: Date.now() - started, cpuMs: Number(stdout.trim()) };
}

function printSummary(makespans: Map<string, number[]>, boundMs: number, calls: CallCosts | null): void {
  const standalone = median(makespans.get('standalone') ?? []);
  for (const [label, list] of makespans) {
    const ms = median(list);
    const ratio = label === 'standalone' ? '' : ` (x${(ms / standalone).toFixed(2)} of standalone)`;
    console.log(`summary: makespan, ${label} host: ${seconds(ms)}${ratio}`);
  }
  console.log(`summary: makespan, lower bound: ${seconds(boundMs)}`);
  if (calls === null) return;
  const cost = (c: { wallMs: number; cpuMs: number }) => `${seconds(c.wallMs)} wall, ${seconds(c.cpuMs)} CPU`;
  console.log(`summary: one spec-kitty call, own process: ${cost(calls.process)}`);
  if (calls.helper) console.log(`summary: one spec-kitty call, through the helper: ${cost(calls.helper)}`);
  else
    console.log(
      'summary: spec-kitty call through the helper n/a (spec-kitty is not a Python console script)',
    );
}

await main();
