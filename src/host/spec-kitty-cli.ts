import { KittyError } from '../errors.js';
import type { ProcessOutcome, ProcessRunner } from '../executor/types.js';
import type { SpecKittyHelper } from './spec-kitty-helper.js';

/**
 * The one way we talk to a real spec-kitty: `spec-kitty orchestrator-api <command>` (a versioned JSON
 * contract) and `spec-kitty agent tasks mark-status` (subtasks are outside the contract). A fresh process per
 * call is ~1.4 s of Python start-up, so calls go through the helper (spec-kitty-helper.ts: one warm interpreter
 * forking a child per call) when spec-kitty is a Python console script, and callers keep them off the critical
 * path either way.
 */

/** The contract major version this host speaks (spec-kitty 3.2.7 reports 1.5.0). */
export const SUPPORTED_CONTRACT_MAJOR = 1;

/** Python start-up plus a git commit; a call silent for this long is hung (a lock, a prompt). */
const CALL_TIMEOUT_MS = 120_000;

/** spec-kitty must never wait for a human or the network on our behalf. */
export const HEADLESS_ENV = { SPEC_KITTY_NON_INTERACTIVE: '1', SPEC_KITTY_NO_UPGRADE_CHECK: '1' };

/** One `orchestrator-api` answer: `{contract_version, command, success, error_code, data}`. */
export interface Envelope {
  contract_version: string;
  command: string;
  success: boolean;
  error_code: string | null;
  data: Record<string, unknown>;
}

export interface SpecKittyCli {
  /** Runs `orchestrator-api <args>`; rejects with a KittyError naming the command unless it succeeded. */
  api(args: readonly string[]): Promise<Envelope>;
  /** Like `api`, but resolves a refusal (`success: false`) instead of rejecting. */
  tryApi(args: readonly string[]): Promise<Envelope>;
  /** `agent tasks mark-status <ids> --status done --mission <slug>` (idempotent on spec-kitty's side). */
  markSubtasksDone(mission: string, subtaskIds: readonly string[]): Promise<void>;
}

export interface SpecKittyCliOptions {
  /** The `spec-kitty` executable (a path or a name on PATH). */
  bin: string;
  /** The main checkout: spec-kitty finds the project from its working directory. */
  cwd: string;
  runProcess: ProcessRunner;
  /** The warm helper, when there is one (resolves null when calls must spawn `bin` each time). */
  helper?: Promise<SpecKittyHelper | null>;
}

export function createSpecKittyCli(options: SpecKittyCliOptions): SpecKittyCli {
  const spawnOnce = (argv: readonly string[]): Promise<ProcessOutcome> =>
    options.runProcess({
      argv: [options.bin, ...argv],
      cwd: options.cwd,
      env: HEADLESS_ENV,
      stdin: null,
      wallTimeoutMs: CALL_TIMEOUT_MS,
      inactivityTimeoutMs: CALL_TIMEOUT_MS,
    });
  const run = async (argv: readonly string[]) => {
    const helper = await options.helper;
    const outcome = (await helper?.call(argv, CALL_TIMEOUT_MS)) ?? (await spawnOnce(argv));
    if (outcome.stoppedBy !== null) throw callError(argv, `stopped (${outcome.stoppedBy})`);
    return outcome;
  };
  const tryApi = async (args: readonly string[]): Promise<Envelope> => {
    const argv = ['orchestrator-api', ...args];
    const outcome = await run(argv);
    return parseEnvelope(argv, outcome.stdout, outcome.stderr);
  };
  return {
    tryApi,
    api: async (args) => {
      const envelope = await tryApi(args);
      if (!envelope.success) throw callError(['orchestrator-api', ...args], refusal(envelope));
      return envelope;
    },
    markSubtasksDone: async (mission, ids) => {
      if (ids.length === 0) return;
      const argv = [
        'agent',
        'tasks',
        'mark-status',
        ...ids,
        '--status',
        'done',
        '--mission',
        mission,
        '--json',
      ];
      const outcome = await run(argv);
      if (outcome.exitCode !== 0) throw callError(argv, lastLine(outcome.stderr || outcome.stdout));
    },
  };
}

/** `ERROR_CODE: message` of a refused call. */
export function refusal(envelope: Envelope): string {
  const message = typeof envelope.data.message === 'string' ? envelope.data.message : 'no message';
  return `${envelope.error_code ?? 'refused'}: ${message}`;
}

/** The envelope is the last JSON line of stdout (spec-kitty may print warnings before it). */
function parseEnvelope(argv: readonly string[], stdout: string, stderr: string): Envelope {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .at(-1);
  let value: unknown;
  try {
    value = line === undefined ? undefined : JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (!isEnvelope(value)) {
    throw callError(argv, `no JSON envelope in its output (${lastLine(stderr || stdout) || 'no output'})`);
  }
  return value;
}

function isEnvelope(value: unknown): value is Envelope {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.success === 'boolean' && typeof v.data === 'object' && v.data !== null;
}

function callError(argv: readonly string[], why: string): KittyError {
  // Only the sub-command words: --policy and --note values are long and say nothing about the failure.
  const words = argv.filter((a, i) => !a.startsWith('-') && !argv[i - 1]?.startsWith('--')).slice(0, 4);
  return new KittyError('host', `spec-kitty ${words.join(' ')} failed: ${why}`);
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}

/** Refuses a contract whose major version differs from ours, naming both and what to do. */
export function checkContract(envelope: Envelope): string {
  const version =
    typeof envelope.data.api_version === 'string' ? envelope.data.api_version : envelope.contract_version;
  const major = Number.parseInt(String(version).split('.')[0] ?? '', 10);
  if (major !== SUPPORTED_CONTRACT_MAJOR) {
    throw new KittyError(
      'host',
      `spec-kitty's orchestrator-api contract is ${String(version)}, but kitty-orchestrator speaks ${SUPPORTED_CONTRACT_MAJOR}.x: ` +
        'install a spec-kitty whose contract is 1.x (e.g. `pip install spec-kitty-cli==3.2.7`) or run with `--host standalone`',
    );
  }
  return String(version);
}
