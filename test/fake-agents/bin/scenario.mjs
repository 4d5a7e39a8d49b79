// Scenario bookkeeping shared by every fake agent process: which behaviour this invocation plays (a per-agent
// counter in a state file, guarded by a mkdir lock because fakes run in parallel) and the invocation log.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';

/** Behaviours a scenario can list; `auto` reviews when the prompt asks for a verdict and works otherwise. */
export const BEHAVIOURS = [
  'auto',
  'success',
  'review_approve',
  'review_reject',
  'rate_limit',
  'auth',
  'garbage',
  'partial_then_hang',
  'ignore_sigterm',
  'crash',
  'crash_signal',
  'offline',
];

/** @param {string} scenarioFile */
export function scenarioPaths(scenarioFile) {
  const base = scenarioFile.replace(/\.json$/, '');
  return { state: `${base}.state.json`, log: `${base}.invocations.jsonl`, lock: `${base}.lock` };
}

const LOCK_WAIT_MS = 10;
const LOCK_GIVE_UP_MS = 10_000;
/** A lock older than this was left by a killed fake (the critical section takes microseconds). */
const LOCK_STALE_MS = 5_000;

/**
 * Run `fn` holding the scenario lock. Synchronous on purpose: it is a tiny read-modify-write.
 * @template T @param {string} lock @param {() => T} fn @returns {T}
 */
function withLock(lock, fn) {
  const started = Date.now();
  const waiter = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      if (isStale(lock)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > LOCK_GIVE_UP_MS) throw new Error(`fake agent: lock ${lock} held too long`);
      Atomics.wait(waiter, 0, 0, LOCK_WAIT_MS);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isStale(/** @type {string} */ lock) {
  try {
    return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/** @param {string} file */
const readJson = (file, /** @type {unknown} */ fallback) =>
  existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : fallback;

/**
 * Take this agent's next behaviour: the n-th entry of its list in the scenario (the `*` list, else `auto`,
 * when it has none); the last entry repeats once the list runs out.
 * @param {string | undefined} scenarioFile @param {string} agent
 * @returns {{ behaviour: string, n: number }} n: this agent's 1-based invocation number
 */
export function nextBehaviour(scenarioFile, agent) {
  if (!scenarioFile || !existsSync(scenarioFile)) return { behaviour: 'auto', n: 1 };
  const paths = scenarioPaths(scenarioFile);
  return withLock(paths.lock, () => {
    const scenario = readJson(scenarioFile, {});
    const state = readJson(paths.state, {});
    const n = (state[agent] ?? 0) + 1;
    writeFileSync(paths.state, JSON.stringify({ ...state, [agent]: n }));
    /** @type {unknown[]} */
    const list = scenario[agent] ?? scenario['*'] ?? ['auto'];
    const behaviour = String(list[Math.min(n, list.length) - 1] ?? 'auto');
    if (!BEHAVIOURS.includes(behaviour))
      throw new Error(`fake agent: unknown behaviour "${behaviour}" in ${scenarioFile}`);
    return { behaviour, n };
  });
}

/** Append one invocation record (a single small O_APPEND write, so parallel fakes do not interleave). */
export function logInvocation(/** @type {string | undefined} */ scenarioFile, /** @type {object} */ entry) {
  if (!scenarioFile || !existsSync(scenarioFile)) return;
  appendFileSync(scenarioPaths(scenarioFile).log, `${JSON.stringify(entry)}\n`);
}
