import { spawn, spawnSync } from 'node:child_process';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createDemoRepo, DEMO_FEATURE } from '../../src/cli/demo-repo.js';
import { featureLogDir } from '../../src/paths.js';
import { statePaths } from '../../src/state/file-store.js';
import { check, cliArgv, events, kill, leftovers, pause, resume, startRun, type Row } from './kit.js';

/** Trials of damaged files and dirs: a torn last line, read-only and full log and state dirs. */

/** Killed mid-run, the log's last line cut in half: resume must read past it and finish. */
export async function tornTailTrial(): Promise<Row> {
  const repo = await createDemoRepo({ durationMs: 100 });
  const name = 'torn last line';
  try {
    const run = startRun(repo);
    while ((await events(repo)).length < 12) await pause(20);
    kill(run.pid, 'group');
    await run.exited;
    await appendFile(statePaths(repo, DEMO_FEATURE).events, '{"seq":99999,"at":"2026-01-01T00:00');
    const code = await resume(repo);
    const problems = await check(repo);
    if (code !== 0) problems.unshift(`resume exited ${code}`);
    return row(name, problems, 'resumed past the torn line');
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

interface TmpfsCase {
  name: string;
  /** The directory the tmpfs is mounted on. */
  dir: (repo: string) => string;
  options: string;
  /** What must hold of the run's exit code and stderr. */
  expect: (code: number | null, stderr: string, repo: string) => string[];
}

const noCrash = (stderr: string): string[] =>
  /TypeError|ReferenceError|at .*\.ts:\d+/.test(stderr) ? [`internal error: ${firstLine(stderr)}`] : [];
const firstLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

const ALL_CASES: TmpfsCase[] = [
  {
    name: 'read-only log dir',
    dir: (repo) => featureLogDir(repo, DEMO_FEATURE),
    options: 'ro,size=64k',
    expect: (code, stderr, repo) => [
      ...(code === 0 ? [] : [`exit ${code}: ${firstLine(stderr)}`]),
      ...(stderr.includes(featureLogDir(repo, DEMO_FEATURE)) ? [] : ['no warning naming the log dir']),
      ...noCrash(stderr),
    ],
  },
  {
    name: 'full log dir',
    dir: (repo) => featureLogDir(repo, DEMO_FEATURE),
    options: 'size=8k',
    expect: (code, stderr) => [
      ...(code === 0 ? [] : [`exit ${code}: ${firstLine(stderr)}`]),
      ...noCrash(stderr),
    ],
  },
  {
    name: 'read-only state dir',
    dir: (repo) => path.dirname(statePaths(repo, DEMO_FEATURE).featureDir),
    options: 'ro,size=64k',
    expect: (code, stderr, repo) => [
      ...(code !== 0 ? [] : ['exit 0 without a state dir']),
      ...(stderr.includes(path.join(repo, '.kittify', 'orchestration'))
        ? []
        : [`no path named: ${firstLine(stderr)}`]),
      ...(stderr.includes('the event log is intact') ? ['claims the event log is intact'] : []),
      ...noCrash(stderr),
    ],
  },
  {
    name: 'full state dir',
    dir: (repo) => path.dirname(statePaths(repo, DEMO_FEATURE).featureDir),
    options: 'size=12k',
    expect: (code, stderr) => [
      ...(code !== 0 ? [] : ['exit 0 with a full state dir']),
      ...(/events\.jsonl|state\.json|orchestration/.test(stderr)
        ? []
        : [`no path named: ${firstLine(stderr)}`]),
      ...noCrash(stderr),
    ],
  },
];

/** FAULT_IO=name runs only that case (to repeat one). */
const CASES = ALL_CASES.filter((c) => !process.env.FAULT_IO || c.name === process.env.FAULT_IO);

/** Whether this machine lets us mount a tmpfs in a private mount namespace (root, or user namespaces). */
function canMountTmpfs(): boolean {
  const probe = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /mnt'],
    {
      stdio: 'ignore',
    },
  );
  return probe.status === 0;
}

/** Run `orchestrate` with a small tmpfs on `dir`, in a private mount namespace; exit code and stderr. */
async function runOnTmpfs(
  repo: string,
  dir: string,
  options: string,
): Promise<{ code: number | null; stderr: string }> {
  await mkdir(dir, { recursive: true });
  const orchestrate = [
    process.execPath,
    ...cliArgv(['orchestrate', '--feature', DEMO_FEATURE, '--repo', repo, '--json']),
  ];
  const script = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"';
  const child = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', options, dir, ...orchestrate],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  // With --json, warnings are JSON lines on stdout and errors go to stderr: both are what the user sees.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stderr };
}

export async function tmpfsTrials(): Promise<Row[]> {
  if (!canMountTmpfs()) {
    console.error(
      'fault suite: cannot mount a tmpfs here (needs root or user namespaces): skipping the read-only and full dir trials',
    );
    return CASES.map((c) => ({
      trial: 'io',
      name: c.name,
      outcome: 'skipped',
      note: 'no tmpfs on this machine',
    }));
  }
  const rows: Row[] = [];
  for (const c of CASES) {
    const repo = await createDemoRepo({ durationMs: 50 });
    try {
      const { code, stderr } = await runOnTmpfs(repo, c.dir(repo), c.options);
      rows.push(row(c.name, [...c.expect(code, stderr, repo), ...(await leftovers(repo))], `exit ${code}`));
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  }
  return rows;
}

function row(name: string, problems: string[], note: string): Row {
  return {
    trial: 'io',
    name,
    outcome: problems.length ? 'failed' : 'passed',
    note: problems.join('; ') || note,
  };
}
