import type { Logger } from '../engine/types.js';
import type { Feature } from '../feature/types.js';
import type { OrchestrationEvent } from '../state/types.js';
import type { SpecKittyCli } from './spec-kitty-cli.js';
import { readSpecKittyView, syncTag, type SpecKittyView } from './spec-kitty-log.js';
import { createSyncQueue } from './spec-kitty-queue.js';
import { createSyncCalls } from './spec-kitty-sync-calls.js';
import { eventHandlers, newRunMemory } from './spec-kitty-sync-events.js';

/**
 * Tells spec-kitty what the run does, from our event log: lane transitions, subtask marks, review results and
 * history notes. The event log is the truth; this is its mirror. Calls go through one queue
 * (spec-kitty-queue.ts), so agents never wait for them, except a claim, which waits for the moves it depends on.
 *
 * Exactly once across crashes: every note and transition reason carries a tag naming our run and event
 * (`syncTag`); on resume the run's events are replayed here and whatever spec-kitty's log already holds
 * (by tag, or by lane for calls without a note) is skipped.
 */
export interface SpecKittySync {
  /** Takes one recorded event (in order); queues what spec-kitty must hear of it. */
  observe(event: OrchestrationEvent): void;
  /** Runs `wp`'s claim once the moves of `wp` and of its dependencies are made, ahead of other calls. */
  claim<T>(wp: string, task: (view: SpecKittyView) => Promise<T>): Promise<T>;
  /** Resolves when everything observed so far has been sent (or refused, with a warning). */
  flush(): Promise<void>;
}

export interface SyncOptions {
  cli: SpecKittyCli;
  feature: Feature;
  /** The actor spec-kitty records for our moves; also how we recognise our own claims. */
  actor: string;
  /** The `--policy` JSON for an agent. */
  policy: (agent: string | undefined) => string;
  redact: (text: string) => string;
  logger: Logger;
}

export function createSpecKittySync(options: SyncOptions): SpecKittySync {
  let viewLoaded: Promise<SpecKittyView> | null = null;
  const queue = createSyncQueue({
    view: () => (viewLoaded ??= readSpecKittyView(options.feature.dir)),
    logger: options.logger,
    gating: new Set(options.feature.workPackages.flatMap((wp) => wp.dependencies)),
  });
  const memory = newRunMemory();
  const handlers = eventHandlers(createSyncCalls(options, queue), options.feature, memory);
  const dependencies = new Map(options.feature.workPackages.map((wp) => [wp.id, wp.dependencies]));
  return {
    observe: (event) => {
      if (event.type === 'run_started') memory.reset(event.runId);
      else if (event.type === 'run_resumed') memory.runId = event.runId;
      const handler = handlers[event.type] as ((e: OrchestrationEvent, tag: string) => void) | undefined;
      handler?.(event, syncTag(memory.runId, event.seq));
    },
    claim: (wp, task) => queue.claim(wp, dependencies.get(wp) ?? [], task),
    flush: () => queue.flush(),
  };
}
