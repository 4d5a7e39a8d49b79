import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach } from 'vitest';
import type { Lane } from '../../src/feature/types.js';
import { statePaths } from '../../src/state/file-store.js';
import type { NewEvent, OrchestrationEvent } from '../../src/state/types.js';
import { useTempDirs } from '../helpers/feature-fixtures.js';

/** The feature every state test records. */
export const FEATURE = '001-demo';

/** A fresh repository for each test, and the path of FEATURE's event log in it. */
export interface StateRepo {
  readonly dir: string;
  readonly events: string;
  /** Write the feature's event log as given, byte for byte (torn or corrupt logs included). */
  writeLog(text: string): Promise<void>;
}

export function useStateRepo(): StateRepo {
  const tempDir = useTempDirs();
  const repo = {
    dir: '',
    events: '',
    async writeLog(text: string): Promise<void> {
      await mkdir(path.dirname(repo.events), { recursive: true });
      await writeFile(repo.events, text);
    },
  };
  beforeEach(async () => {
    repo.dir = await tempDir();
    repo.events = statePaths(repo.dir, FEATURE).events;
  });
  return repo;
}

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** The time a test event with this seq carries: one second apart, so `at` values are easy to predict. */
export function atOf(seq: number): string {
  return new Date(T0 + seq * 1000).toISOString();
}

/** Stamp events the way a store would: seq from `firstSeq`, `at` one second apart. */
export function stamp(events: NewEvent[], firstSeq = 1): OrchestrationEvent[] {
  return events.map((e, i) => ({ ...e, seq: firstSeq + i, at: atOf(firstSeq + i) }));
}

export function runStarted(runId: string, wps: string[], deps: Record<string, string[]> = {}): NewEvent {
  return {
    type: 'run_started',
    runId,
    feature: FEATURE,
    configHash: 'hash',
    workPackages: wps.map((id) => ({ id, title: `Title of ${id}`, dependencies: deps[id] ?? [] })),
  };
}

export function started(
  wp: string,
  role: 'implementation' | 'review',
  agent: string,
  attempt: number,
): NewEvent {
  return { type: 'attempt_started', wp, role, agent, attempt, logFile: `/logs/${wp}-${role}-${attempt}.log` };
}

export function finished(
  wp: string,
  role: 'implementation' | 'review',
  agent: string,
  attempt: number,
  extra: { success?: boolean; costUsd?: number; tokens?: { input: number; output: number } } = {},
): NewEvent {
  return {
    type: 'attempt_finished',
    wp,
    role,
    agent,
    attempt,
    success: extra.success ?? true,
    summary: `${agent} did ${wp}`,
    exitCode: extra.success === false ? 1 : 0,
    durationMs: 1000,
    ...(extra.costUsd === undefined ? {} : { costUsd: extra.costUsd }),
    ...(extra.tokens ? { tokens: extra.tokens } : {}),
    ...(extra.success === false ? { errorClass: 'rate_limit' as const } : {}),
  };
}

export function lane(wp: string, to: Lane): NewEvent {
  return { type: 'lane_changed', wp, lane: to };
}
