/**
 * The built-in simulated agent: a real child process (`bin/kitty-sim-agent.mjs`) that behaves like an agent CLI, so
 * demos and tests go through the same spawn, timeout and parsing paths as real agents. Its behaviour comes from
 * `agent.options`. On success its last stdout line is
 * `{"type":"result","success":true,"summary":"…","commits":[…],"cost_usd":0,"tokens":{"input":n,"output":n}}`;
 * a review carries its verdict in the summary (a fenced json block) or in a `verdict` key.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KittyError } from '../errors.js';
import type { ProcessOutcome } from '../executor/types.js';
import type { AgentInvoker } from './types.js';
import { asRecord, firstNum, firstStr, parseJsonLines, str } from './json.js';
import { promptFor, scratchFile } from './invocation.js';
import { finishResult, type ParsedOutput } from './result.js';
import { usageTokens } from './result-object.js';

const SCRIPT_NAME = 'kitty-sim-agent.mjs';
const moduleDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where the sim script is: beside this module (a bundle in dist/ ships it there), else `bin/kitty-sim-agent.mjs` in
 * this directory or any parent (src/agents via tsx, build/src/agents when compiled). Null when absent.
 */
export function findSimScript(fromDir: string = moduleDir): string | null {
  const beside = path.join(fromDir, SCRIPT_NAME);
  if (existsSync(beside)) return beside;
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'bin', SCRIPT_NAME);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/** This package's version, from the nearest kitty-orchestrator package.json above this module; null if none. */
export function packageVersion(fromDir: string = moduleDir): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    try {
      const pkg = asRecord(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')));
      if (pkg?.['name'] === 'kitty-orchestrator') return str(pkg['version']) ?? null;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function requireSimScript(): string {
  const script = findSimScript();
  if (!script) {
    throw new KittyError(
      'agent',
      `sim agent: cannot find ${SCRIPT_NAME} beside ${moduleDir} or in a bin/ above it`,
    );
  }
  return script;
}

function parseSim(outcome: ProcessOutcome): ParsedOutput | null {
  const record = parseJsonLines(outcome.stdout).pop();
  if (!record || record['type'] !== 'result') return null;
  const failed = record['success'] !== true;
  const summary = str(record['summary']) ?? '';
  const commits = Array.isArray(record['commits'])
    ? record['commits'].filter((c): c is string => typeof c === 'string')
    : undefined;
  return {
    text: summary,
    isError: failed,
    errorText: failed ? (firstStr(record['error'], summary) ?? 'sim agent reported failure') : undefined,
    costUsd: firstNum(record['cost_usd']),
    tokens: usageTokens(record['tokens']),
    commits,
    verdictValue: record['verdict'],
  };
}

export const simInvoker: AgentInvoker = {
  id: 'sim',
  displayName: 'Simulated agent',
  // Nothing to find on PATH: detection treats sim as always installed.
  binaries: [],
  versionArgs: [],
  buildInvocation(request) {
    const promptFile = scratchFile(request, 'prompt.md');
    const head = request.agent.command ? [request.agent.command] : [process.execPath, requireSimScript()];
    const argv = [
      ...head,
      '--role',
      request.role,
      '--prompt-file',
      promptFile,
      '--options',
      JSON.stringify(request.agent.options),
      ...request.agent.extra_args,
    ];
    return {
      argv,
      promptDelivery: 'file',
      stdin: null,
      env: {},
      files: { [promptFile]: promptFor(request) },
    };
  },
  parseOutcome(outcome, request) {
    return finishResult(outcome, request, parseSim(outcome));
  },
};
