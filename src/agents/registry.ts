/**
 * Every agent the orchestrator can drive, in preference order (used to break priority ties). Adding an agent is one
 * new module and one line here.
 */
import { KittyError } from '../errors.js';
import type { AgentInvoker } from './types.js';
import { augmentInvoker } from './augment.js';
import { claudeInvoker } from './claude.js';
import { codexInvoker } from './codex.js';
import { copilotInvoker } from './copilot.js';
import { cursorInvoker } from './cursor.js';
import { geminiInvoker } from './gemini.js';
import { kilocodeInvoker } from './kilocode.js';
import { lettaInvoker } from './letta.js';
import { opencodeInvoker } from './opencode.js';
import { piInvoker } from './pi.js';
import { qwenInvoker } from './qwen.js';
import { simInvoker } from './sim.js';

const ORDERED: readonly AgentInvoker[] = [
  claudeInvoker,
  codexInvoker,
  copilotInvoker,
  geminiInvoker,
  qwenInvoker,
  opencodeInvoker,
  kilocodeInvoker,
  augmentInvoker,
  cursorInvoker,
  piInvoker,
  lettaInvoker,
  simInvoker,
];

/** Agent id -> invoker, in preference order. */
export const INVOKERS: ReadonlyMap<string, AgentInvoker> = new Map(
  ORDERED.map((invoker) => [invoker.id, invoker]),
);

/** Every known agent id, in preference order. */
export const KNOWN_AGENT_IDS: readonly string[] = ORDERED.map((invoker) => invoker.id);

/** The invoker for an agent id; a KittyError naming the known ids when there is none. */
export function getInvoker(id: string): AgentInvoker {
  const invoker = INVOKERS.get(id);
  if (!invoker) throw new KittyError('agent', `unknown agent "${id}"; known: ${KNOWN_AGENT_IDS.join(', ')}`);
  return invoker;
}
