import { setMaxListeners } from 'node:events';
import { buildGraph } from '../graph/work-graph.js';
import type { WorkPackage } from '../feature/types.js';
import type { Workspace } from '../host/types.js';
import type { OrchestrationEvent, OrchestrationRun } from '../state/types.js';
import { AgentPool } from './agent-pool.js';
import { systemClock } from './clock.js';
import { budgetBreaches, budgetMessage, wpBreach } from './budget.js';
import { escalationMessage } from './escalation.js';
import { Recorder } from './recorder.js';
import { abortedMessage, startOrResume, stopLeftoverAgents } from './start.js';
import { Startable } from './startable.js';
import type { OrchestrateOptions, RunOutcome } from './types.js';
import { runWorkPackage, type CycleContext } from './wp-cycle.js';

/** Why a run was stopped from outside: `abort` ends it for good, anything else pauses it for a resume. */
export const ABORT_REASON = 'abort';

export interface EngineExtras {
  /** Stops the process group of an agent left running by a crashed orchestrator. */
  killGroup: (pid: number) => Promise<void>;
  redact: (text: string) => string;
}

/**
 * Run (or resume) a feature to the end: every WP done, or every WP that can still move has moved and the rest
 * are failed or blocked (the run is then paused for a human), or the run was stopped.
 */
export async function orchestrate(options: OrchestrateOptions, extras: EngineExtras): Promise<RunOutcome> {
  const release = await options.store.lock();
  try {
    const history = await options.store.load();
    const recorder = new Recorder(options.store, history, options.logger, observer(options), extras.redact);
    if (options.resume) replayToHost(options, history);
    await startOrResume(recorder, options, options.resume);
    await stopLeftoverAgents(options.logDir, extras.killGroup);
    const stop = linkedStop(options);
    try {
      await schedule(cycleContext(options, extras, recorder, stop.signal));
    } finally {
      stop.dispose();
    }
    // The host hears of every step before the run is reported finished (spec-kitty's lanes match ours).
    await options.host.flush?.();
    await recorder.record({ type: 'run_finished', ...finalStatus(options, recorder.run, stop.signal) });
    await recorder.flush();
    return { run: recorder.run };
  } finally {
    await release();
  }
}

/** The caller's listener, with the host told first (it only queues work; it never blocks the engine). */
function observer(options: OrchestrateOptions): OrchestrateOptions['onEvent'] {
  const { host, onEvent } = options;
  if (!host.observe) return onEvent;
  return (event, run) => {
    host.observe?.(event);
    onEvent?.(event, run);
  };
}

/** A resumed run's earlier events, so the host can send what it had not yet sent when the last process died. */
function replayToHost(options: OrchestrateOptions, history: readonly OrchestrationEvent[]): void {
  if (!options.host.observe) return;
  const start = history.findLastIndex((event) => event.type === 'run_started');
  for (const event of history.slice(Math.max(start, 0))) options.host.observe(event);
}

function cycleContext(
  options: OrchestrateOptions,
  extras: EngineExtras,
  recorder: Recorder,
  signal: AbortSignal,
): CycleContext {
  const clock = options.clock ?? systemClock;
  return {
    feature: options.feature,
    host: options.host,
    logger: options.logger,
    config: options.config,
    pool: new AgentPool(options.config, clock),
    clock,
    recorder,
    runProcess: options.runProcess,
    logDir: options.logDir,
    redact: extras.redact,
    signal,
    onAgentLine: options.onAgentLine,
  };
}

/** The caller's signal plus the run's global timeout, as one signal. */
function linkedStop(options: OrchestrateOptions): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // Every waiting job listens on it: a run with many WPs in flight has more than the default 10 listeners.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const limit = options.config.global.timeout_seconds;
  const timer = limit > 0 ? setTimeout(() => controller.abort('global timeout'), limit * 1000) : null;
  timer?.unref();
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The scheduling loop: start ready WPs (longest remaining path first) while an implementer is free. Worktrees
 * of the next ready WPs are prepared ahead, without a slot, so a freed slot goes straight to an agent.
 */
async function schedule(ctx: CycleContext): Promise<void> {
  const graph = buildGraph(ctx.feature.workPackages);
  const byId = new Map<string, WorkPackage>(ctx.feature.workPackages.map((wp) => [wp.id, wp]));
  const active = new Map<string, Promise<void>>();
  const workspaces = new WorkspacePrefetch(ctx);
  const startable = new Startable(graph, ctx.recorder);
  while (!ctx.signal.aborted) {
    // A WP over a spending limit is not started (the whole run's limit stops every one).
    const ready = startable.list(active).filter((id) => !wpBreach(ctx.recorder.run, id, ctx.config.budget));
    workspaces.prepare(ready.slice(0, ctx.config.global.concurrency));
    for (const id of ready) {
      if (active.size >= ctx.config.global.concurrency) break;
      if (!workspaces.isSettled(id)) continue;
      const lease = ctx.pool.tryAcquire('implementation', []);
      if (!lease) break;
      const started = runWorkPackage(ctx, byId.get(id)!, lease, workspaces.take(id)).then((result) =>
        result === 'failed' ? blockDependents(ctx, graph.transitiveDependents(id), id) : undefined,
      );
      active.set(
        id,
        started.finally(() => active.delete(id)),
      );
    }
    if (active.size === 0 && !workspaces.busy) {
      if (ready.length === 0) break;
      if (!ctx.pool.canServe('implementation', [])) {
        await failUnservable(ctx, ready);
        continue;
      }
    }
    await Promise.race([...active.values(), workspaces.next(), ctx.pool.changed(ctx.signal)]);
  }
  await Promise.allSettled(active.values());
  await workspaces.drain();
}

interface Prefetched {
  workspace: Promise<Workspace>;
  settled: Promise<void>;
  done: boolean;
}

/** Worktrees prepared ahead of their WPs' start, in the order asked (the host makes them one at a time). */
class WorkspacePrefetch {
  readonly #prepared = new Map<string, Prefetched>();

  constructor(private readonly ctx: CycleContext) {}

  prepare(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.#prepared.has(id)) continue;
      const workspace = this.ctx.host.prepareWorkspace(this.ctx.feature, id);
      const entry: Prefetched = { workspace, settled: Promise.resolve(), done: false };
      // A failure is the WP's own: runWorkPackage sees it when it takes the workspace.
      const markDone = () => void (entry.done = true);
      entry.settled = workspace.then(markDone, markDone);
      this.#prepared.set(id, entry);
    }
  }

  /** The preparations still under way. */
  #running() {
    return [...this.#prepared.values()].filter((entry) => !entry.done);
  }

  get busy(): boolean {
    return this.#running().length > 0;
  }

  isSettled(id: string): boolean {
    return this.#prepared.get(id)?.done === true;
  }

  /** The WP's prepared workspace (or its failure), handed over once. */
  take(id: string): Promise<Workspace> {
    const { workspace } = this.#prepared.get(id)!;
    this.#prepared.delete(id);
    return workspace;
  }

  /** Resolves when a preparation under way settles; never when none is. */
  next(): Promise<void> {
    const running = this.#running();
    return running.length ? Promise.race(running.map((entry) => entry.settled)) : new Promise(() => {});
  }

  /** Wait for every preparation still running, so none outlives the run (and its lock). */
  async drain(): Promise<void> {
    await Promise.all(this.#running().map((entry) => entry.settled));
  }
}

async function blockDependents(
  ctx: CycleContext,
  dependents: readonly string[],
  failed: string,
): Promise<void> {
  const run = ctx.recorder.run;
  const blocked = dependents.filter((id) => run.workPackages[id]?.lane === 'planned');
  if (blocked.length)
    await ctx.recorder.record(...blocked.map((wp) => ({ type: 'wp_blocked', wp, by: failed }) as const));
}

async function failUnservable(ctx: CycleContext, ready: readonly string[]): Promise<void> {
  const graph = buildGraph(ctx.feature.workPackages);
  for (const id of ready) {
    await ctx.recorder.record({
      type: 'wp_failed',
      wp: id,
      reason: 'no enabled agent is left that can implement it',
    });
    await blockDependents(ctx, graph.transitiveDependents(id), id);
  }
}

function finalStatus(options: OrchestrateOptions, run: OrchestrationRun, signal: AbortSignal) {
  const wps = Object.values(run.workPackages);
  if (signal.aborted) {
    const aborted = signal.reason === ABORT_REASON;
    const why = typeof signal.reason === 'string' ? signal.reason : 'interrupted';
    return {
      status: aborted ? ('aborted' as const) : ('paused' as const),
      message: aborted
        ? abortedMessage(run.feature)
        : `Run stopped (${why}). Continue with \`kitty-orchestrator resume --feature ${run.feature}\`.`,
    };
  }
  if (wps.every((wp) => wp.lane === 'done')) {
    const next = options.host.nextStep?.(options.feature);
    const message = `All ${wps.length} work packages are done.${next ? ` Next: ${next}.` : ''}`;
    return { status: 'completed' as const, message };
  }
  const breaches = budgetBreaches(run, options.config.budget);
  if (breaches.length > 0)
    return { status: 'paused' as const, message: budgetMessage(breaches, run.feature) };
  return { status: 'paused' as const, message: escalationMessage(run, options.logDir) };
}
