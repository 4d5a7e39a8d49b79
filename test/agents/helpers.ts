import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentSchema, type AgentConfig, type Role } from '../../src/config/schema.js';
import type { ProcessOutcome } from '../../src/executor/types.js';
import type { InvocationRequest } from '../../src/agents/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The text of a sample under test/agents/samples/. */
export function sample(name: string): string {
  return readFileSync(path.join(here, 'samples', name), 'utf8');
}

export function agentConfig(input: Partial<AgentConfig> = {}): AgentConfig {
  return agentSchema.parse(input);
}

export function request(role: Role, overrides: Partial<InvocationRequest> = {}): InvocationRequest {
  return {
    role,
    prompt: 'Implement WP01.',
    cwd: '/tmp/worktree',
    agent: agentConfig(),
    scratchDir: '/tmp/scratch/WP01-1',
    ...overrides,
  };
}

export function outcome(partial: Partial<ProcessOutcome> = {}): ProcessOutcome {
  return { exitCode: 0, signal: null, stdout: '', stderr: '', stoppedBy: null, durationMs: 1234, ...partial };
}

/** A review answer holding a valid verdict in a fenced block. */
export const APPROVED_ANSWER =
  'Looks good.\n\n```json\n{"verdict": "approved", "summary": "All subtasks done.", "findings": []}\n```\n';
