/**
 * Helpers every invoker uses to build its Invocation, so the rules live in one place: the `command` override, the
 * review instructions, and prompts too long to pass as one argument.
 */
import path from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { InvocationRequest, PromptDelivery } from './types.js';
import { VERDICT_INSTRUCTIONS_HEADING, reviewInstructions } from './review.js';

/** The executable to run: the agent's `command` override, else the invoker's binary name. */
export function commandFor(agent: AgentConfig, binary: string): string {
  return agent.command ?? binary;
}

/**
 * The prompt to send: for a review, the request's prompt with the verdict instructions appended (once: a prompt that
 * already carries them is left alone, so the engine may add them itself).
 */
export function promptFor(request: InvocationRequest): string {
  if (request.role !== 'review' || request.prompt.includes(VERDICT_INSTRUCTIONS_HEADING))
    return request.prompt;
  return `${request.prompt.trimEnd()}\n\n${reviewInstructions()}\n`;
}

/**
 * Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN) with E2BIG; review prompts carry diffs and can
 * exceed it. Above this size an argument-prompt CLI gets a short pointer to a prompt file instead.
 */
export const MAX_ARGUMENT_PROMPT_BYTES = 100_000;

export interface ArgumentPrompt {
  /** The argument to pass: the prompt itself, or a pointer to the prompt file. */
  arg: string;
  delivery: PromptDelivery;
  /** The prompt file to write when the prompt is too long for an argument. */
  files: Record<string, string>;
}

/** The prompt for a CLI that takes it as an argument, moved to `<scratchDir>/prompt.md` when too long. */
export function argumentPrompt(request: InvocationRequest): ArgumentPrompt {
  const prompt = promptFor(request);
  if (Buffer.byteLength(prompt, 'utf8') <= MAX_ARGUMENT_PROMPT_BYTES) {
    return { arg: prompt, delivery: 'argument', files: {} };
  }
  const file = path.join(request.scratchDir, 'prompt.md');
  return {
    arg: `Your complete instructions are in the file ${file}. Read the whole file first, then do exactly what it says.`,
    delivery: 'file',
    files: { [file]: prompt },
  };
}

/** The verdict JSON Schema file a CLI reads (`--output-schema`), under the attempt's scratch dir. */
export function scratchFile(request: InvocationRequest, name: string): string {
  return path.join(request.scratchDir, name);
}
