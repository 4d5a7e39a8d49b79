import type { CommandFactory } from './types.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: CommandFactory[] = [];
