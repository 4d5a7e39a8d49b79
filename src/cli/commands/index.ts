import { abortCommand } from './abort.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { initCommand } from './init.js';
import { orchestrateCommand } from './orchestrate.js';
import { planCommand } from './plan.js';
import { resumeCommand } from './resume.js';
import { statusCommand } from './status.js';
import type { CommandFactory } from './types.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: CommandFactory[] = [
  orchestrateCommand,
  statusCommand,
  resumeCommand,
  abortCommand,
  planCommand,
  demoCommand,
  initCommand,
  doctorCommand,
];
