/**
 * Is an agent working, or only waiting for its provider? Offline, codex prints a "Reconnecting… waiting for
 * network" line about once a minute and never exits; opencode and kilo print nothing at all. Neither is progress,
 * so such an attempt is classed `network` early instead of running to the wall-clock limit (see
 * ../shared/agent-transcripts/runs/codex-offline-400s.*). Pure: the executor and the classifier both use it.
 */
import type { LineKind, ProcessOutcome } from '../executor/types.js';
import { asRecord, str } from './json.js';

export type { LineKind } from '../executor/types.js';

const WAITING: readonly RegExp[] = [
  /\breconnecting\b/i,
  /waiting for (?:the )?network/i,
  /failed to connect/i,
  /stream disconnected/i,
  /\bretrying (?:in|after)\b.*\b(?:connect|network|request)/i,
];

/** JSON events a streaming CLI prints before its model has said anything (codex, copilot, pi, opencode). */
const STARTUP_EVENTS: ReadonlySet<string> = new Set([
  'thread.started',
  'turn.started',
  'session',
  'agent_start',
  'turn_start',
  'step_start',
  'session.tools_updated',
  'user.message',
  'assistant.turn_start',
]);

const isWaitingText = (text: string): boolean => WAITING.some((re) => re.test(text));

function jsonLineKind(line: string): LineKind | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const event = asRecord(value);
  if (!event) return null;
  const type = str(event['type']) ?? '';
  if (STARTUP_EVENTS.has(type)) return 'other';
  // Only an error event can be a reconnect notice: an answer that talks about reconnecting is still work.
  const item = asRecord(event['item']);
  const isError = type.includes('error') || item?.['type'] === 'error';
  return isError && isWaitingText(line) ? 'waiting' : 'progress';
}

/** What one output line says about the agent's liveness (progress: the model is answering; waiting: a retry or
 * reconnect notice; other: logs, banners, start-up events). Only stdout can show progress: stderr carries logs. */
export function lineKind(line: string, stream: 'stdout' | 'stderr'): LineKind {
  const text = line.trim();
  if (text === '') return 'other';
  if (stream === 'stdout' && text.startsWith('{')) {
    const kind = jsonLineKind(text);
    if (kind) return kind;
  }
  if (isWaitingText(text)) return 'waiting';
  return stream === 'stdout' ? 'progress' : 'other';
}

/** Evidence that a finished (stopped) attempt only waited for the network; null when it showed progress. */
export interface WaitEvidence {
  /** The last waiting line, or null when the CLI printed nothing useful at all. */
  lastWaiting: string | null;
}

/**
 * Did this stopped attempt only wait for the network? True when stdout shows no progress line and either a
 * waiting line was printed, or the CLI streams events (`silenceIsWaiting`) and printed none.
 */
export function waitedForNetwork(outcome: ProcessOutcome, silenceIsWaiting: boolean): WaitEvidence | null {
  let lastWaiting: string | null = null;
  // stderr first, so a waiting line on stdout (the CLI's own event, not a log) is the one kept.
  for (const stream of ['stderr', 'stdout'] as const) {
    for (const line of outcome[stream].split('\n')) {
      const kind = lineKind(line, stream);
      if (kind === 'progress') return null;
      if (kind === 'waiting') lastWaiting = waitingMessage(line);
    }
  }
  return lastWaiting !== null || silenceIsWaiting ? { lastWaiting } : null;
}

/** A waiting line as a human reads it: a JSON event's message, else the line. */
function waitingMessage(line: string): string {
  try {
    const event = asRecord(JSON.parse(line));
    const message = str(event?.['message']) ?? str(asRecord(event?.['item'])?.['message']);
    if (message) return message;
  } catch {
    // Not JSON: the line itself.
  }
  return line.trim();
}

/** finishResult options of a CLI that streams events (`AgentInvoker.streamsEvents`). */
export const STREAMING_CLI = { silenceIsWaiting: true } as const;
