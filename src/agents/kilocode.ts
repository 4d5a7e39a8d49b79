/**
 * Kilo Code CLI (`kilo`, formerly `kilocode`): an OpenCode fork, `kilo run --format json --auto <prompt>`, with the
 * same JSON events.
 */
import type { AgentInvoker } from './types.js';
import { opencodeStyleInvoker } from './opencode.js';

export const kilocodeInvoker: AgentInvoker = opencodeStyleInvoker({
  id: 'kilocode',
  displayName: 'Kilo Code',
  binaries: ['kilo', 'kilocode'],
});
