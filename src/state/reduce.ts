import type { Lane } from '../feature/types.js';
import {
  append,
  attemptFinished,
  attemptStarted,
  closeOpenAttempts,
  isInFlight,
  ZERO_TOKENS,
  type Draft,
  type EventOf,
} from './reduce-attempts.js';
import type { OrchestrationEvent, OrchestrationRun, WPExecution } from './types.js';

/**
 * The pure reducer: event log -> run snapshot. `applyEvent` folds one event without touching its input
 * (copy-on-write, sharing what did not change); `reduce` folds a whole log and, because every object it
 * builds is private to it, mutates in place so 100k events stay well under a second. `foldInPlace` is the same
 * in-place fold one event at a time, for an owner of a run nobody else writes to (the engine's recorder): its
 * cost is that of the event, never that of the whole run. All three run the same handlers, so
 * `events.reduce(applyEvent, null)` deep-equals `reduce(events)` (a property test holds us to it).
 */

const FINISHED_LANES: readonly Lane[] = ['done', 'failed'];
/** Lanes that keep the finish time of an earlier pass; any other lane means the WP is being worked on again. */
const KEEP_FINISH_TIME: readonly Lane[] = ['blocked', 'canceled'];

/** Fold a whole event log. The last `run_started` starts the run that counts; null when there is none. */
export function reduce(events: readonly OrchestrationEvent[]): OrchestrationRun | null {
  let start = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]?.type === 'run_started') {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const run = startRun(events[start] as EventOf<'run_started'>);
  const draft: Draft = { run, inPlace: true, inFlight: 0, wp: (id) => run.workPackages[id] };
  for (let i = start + 1; i < events.length; i++) applyTo(draft, events[i] as OrchestrationEvent);
  inFlightOf.set(run, draft.inFlight);
  return run;
}

/**
 * Fold the events that follow `base` into it, IN PLACE: for a run the caller owns outright (one just parsed from
 * a snapshot file), so a long tail costs what it changes, not a copy of every WP per event. A `run_started` in
 * the tail starts over from it, as `reduce` does.
 */
export function reduceOnto(
  base: OrchestrationRun,
  events: readonly OrchestrationEvent[],
): OrchestrationRun | null {
  let run: OrchestrationRun | null = base;
  for (const event of events) run = foldInPlace(run, event);
  return run;
}

/**
 * Fold one event into a run without mutating it (the engine calls this as each event is recorded).
 * Events before any `run_started` leave the result null; unknown event types only advance `lastSeq`/`updatedAt`.
 */
export function applyEvent(run: OrchestrationRun, event: OrchestrationEvent): OrchestrationRun;
export function applyEvent(run: OrchestrationRun | null, event: OrchestrationEvent): OrchestrationRun | null;
export function applyEvent(run: OrchestrationRun | null, event: OrchestrationEvent): OrchestrationRun | null {
  if (event.type === 'run_started') return startRun(event);
  if (!run) return null;
  const draft = copyOnWrite(run);
  applyTo(draft, event);
  inFlightOf.set(draft.run, draft.inFlight);
  return draft.run;
}

/**
 * Fold one event into `run` by mutating it (and its WPs, attempts and lists), and return it; a `run_started`
 * returns a new run instead. For a run this caller alone writes: whoever holds it sees it change.
 */
export function foldInPlace(
  run: OrchestrationRun | null,
  event: OrchestrationEvent,
): OrchestrationRun | null {
  if (event.type === 'run_started') return startRun(event);
  if (!run) return null;
  const draft: Draft = {
    run,
    inPlace: true,
    inFlight: inFlightOf.get(run) ?? countInFlight(run),
    wp: (id) => run.workPackages[id],
  };
  applyTo(draft, event);
  inFlightOf.set(run, draft.inFlight);
  return run;
}

/**
 * The in-flight count of each run this module returned: a side table, so the count stays out of the persisted
 * shape. A run from elsewhere (a parsed snapshot, a clone) is counted once, then tracked.
 */
const inFlightOf = new WeakMap<OrchestrationRun, number>();

function countInFlight(run: OrchestrationRun): number {
  return Object.values(run.workPackages).filter(isInFlight).length;
}

function copyOnWrite(base: OrchestrationRun): Draft {
  const run: OrchestrationRun = { ...base };
  const copied = new Set<string>();
  return {
    run,
    inPlace: false,
    inFlight: inFlightOf.get(base) ?? countInFlight(base),
    wp(id) {
      const current = run.workPackages[id];
      if (!current || copied.has(id)) return current;
      if (copied.size === 0) run.workPackages = { ...base.workPackages };
      const copy = { ...current };
      run.workPackages[id] = copy;
      copied.add(id);
      return copy;
    },
  };
}

function startRun(event: EventOf<'run_started'>): OrchestrationRun {
  const workPackages: Record<string, WPExecution> = {};
  for (const wp of Array.isArray(event.workPackages) ? event.workPackages : []) {
    workPackages[wp.id] = newWp(wp.id, wp.title, wp.dependencies);
  }
  return {
    runId: event.runId,
    feature: event.feature,
    configHash: event.configHash,
    status: 'running',
    startedAt: event.at,
    updatedAt: event.at,
    completedAt: null,
    message: null,
    wpsTotal: Object.keys(workPackages).length,
    wpsCompleted: 0,
    wpsFailed: 0,
    parallelPeak: 0,
    totalInvocations: 0,
    retries: 0,
    fallbacks: 0,
    costUsd: 0,
    tokens: { ...ZERO_TOKENS },
    agentCooldowns: {},
    workPackages,
    lastSeq: event.seq,
  };
}

/** A WP's execution before anything happened to it. */
export function newWp(id: string, title: string, dependencies: readonly string[] | undefined): WPExecution {
  return {
    wpId: id,
    title,
    dependencies: [...(dependencies ?? [])],
    lane: 'planned',
    implementationAgent: null,
    reviewAgent: null,
    implementationRetries: 0,
    reviewRounds: 0,
    fallbackAgentsTried: [],
    attempts: [],
    reviewFeedback: null,
    lastError: null,
    startedAt: null,
    completedAt: null,
    costUsd: 0,
    tokens: { ...ZERO_TOKENS },
  };
}

function applyTo(draft: Draft, event: OrchestrationEvent): void {
  draft.run.updatedAt = event.at;
  draft.run.lastSeq = event.seq;
  switch (event.type) {
    case 'run_started':
      // Only reachable through a caller-built draft; reduce and applyEvent start a new run themselves.
      return;
    case 'run_resumed':
      return resumed(draft, event);
    case 'lane_changed': {
      const wp = draft.wp(event.wp);
      if (wp) setLane(draft.run, wp, event.lane, event.at);
      return;
    }
    case 'attempt_started':
      return attemptStarted(draft, event);
    case 'attempt_finished':
      return attemptFinished(draft, event);
    case 'review_verdict':
      return reviewVerdict(draft, event);
    case 'fallback':
      return fallback(draft, event);
    case 'agent_cooldown':
      draft.run.agentCooldowns = { ...draft.run.agentCooldowns, [event.agent]: event.until };
      return;
    case 'budget_set':
      draft.run.budget = { ...event.budget };
      return;
    case 'wp_failed':
      return settle(draft, event.wp, 'failed', event.reason, event.at);
    case 'wp_blocked':
      return settle(draft, event.wp, 'blocked', `blocked by ${event.by}`, event.at);
    case 'run_finished':
      draft.run.status = event.status;
      draft.run.message = event.message;
      draft.run.completedAt = event.at;
      return closeOpenAttempts(draft, event.at);
    default:
      // An event type from a newer version: history we cannot interpret, never a crash.
      return;
  }
}

/** A resumed run is running again (and not finished any more). */
function resumed(draft: Draft, event: EventOf<'run_resumed'>): void {
  draft.run.status = 'running';
  draft.run.completedAt = null;
  draft.run.message = null;
  closeOpenAttempts(draft, event.at);
}

function setLane(run: OrchestrationRun, wp: WPExecution, lane: Lane, at: string): void {
  if (wp.lane === 'done') run.wpsCompleted--;
  if (wp.lane === 'failed') run.wpsFailed--;
  if (lane === 'done') run.wpsCompleted++;
  if (lane === 'failed') run.wpsFailed++;
  if (wp.startedAt === null && lane !== 'planned') wp.startedAt = at;
  if (FINISHED_LANES.includes(lane)) wp.completedAt = at;
  else if (!KEEP_FINISH_TIME.includes(lane)) wp.completedAt = null;
  wp.lane = lane;
}

function settle(draft: Draft, id: string, lane: Lane, error: string, at: string): void {
  const wp = draft.wp(id);
  if (!wp) return;
  setLane(draft.run, wp, lane, at);
  wp.lastError = error;
}

function reviewVerdict(draft: Draft, event: EventOf<'review_verdict'>): void {
  const wp = draft.wp(event.wp);
  if (!wp) return;
  wp.reviewRounds++;
  wp.reviewFeedback = {
    verdict: event.verdict,
    summary: event.summary,
    findings: Array.isArray(event.findings) ? [...event.findings] : [],
  };
}

function fallback(draft: Draft, event: EventOf<'fallback'>): void {
  draft.run.fallbacks++;
  const wp = draft.wp(event.wp);
  // The list holds the agents that failed this WP, so the engine can skip them when picking the next one.
  if (wp && !wp.fallbackAgentsTried.includes(event.from)) {
    wp.fallbackAgentsTried = append(draft, wp.fallbackAgentsTried, event.from);
  }
}
