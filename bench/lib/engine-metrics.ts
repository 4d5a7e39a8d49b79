/**
 * Figures of one engine run, from its own event log: makespan against the scheduling lower bound, and the
 * orchestrator's overhead around each agent process. Times are the events' `at` stamps (ms resolution), plus
 * the wall time at which each attempt's agent printed its first line (taken by the benchmark, not the engine).
 */
import type { OrchestrationEvent } from '../../src/state/types.js';
import { SIM_POLICIES, simulate, type SimPolicy } from './simulate.js';
import { summarize, type Summary } from './stats.js';

type Ev<T extends OrchestrationEvent['type']> = Extract<OrchestrationEvent, { type: T }>;

/** What the metrics need besides the log. */
export interface RunInputs {
  events: readonly OrchestrationEvent[];
  /** `wp/role/attempt` -> wall time (ms) of that attempt's first stdout/stderr line. */
  firstLines: ReadonlyMap<string, number>;
  /** Agent processes that may run at once: min(agents.sim.max_concurrent, global.concurrency). */
  slots: number;
  /** The sleep the sim agent was asked for in an attempt (see the sim's header), to isolate process cost. */
  intendedSleepMs: (wp: string, role: string) => number;
}

export interface RunMetrics {
  wps: number;
  makespanMs: number;
  criticalPathMs: number;
  totalWorkMs: number;
  boundMs: number;
  /** makespan / bound. */
  ratio: number;
  /** The same DAG and measured work simulated without overhead, per policy: simulated makespan / bound. */
  simulated: Record<SimPolicy, number>;
  /** Share of slot-time spent inside agent processes. */
  utilisation: number;
  invocations: number;
  /** Ready (last dependency done, or run start) to the WP's first attempt_started. */
  readyToStart: Summary;
  /** Same, from the later of "ready" and the last slot release before the start (excludes queueing for a slot). */
  dispatch: Summary;
  /** Ready to the implementer's first output line (adds spawn + Node start-up + the sim's own start-up). */
  readyToAgent: Summary;
  /** Implementation attempt_finished to review attempt_started. */
  reviewGap: Summary;
  /** Same, from the later of that and the last slot release before the review started. */
  reviewDispatch: Summary;
  parts: Record<string, Summary>;
  /** Reviews whose WP was in_review while another WP's implementation took an agent slot first. */
  overtaken: { reviews: number; overtaken: number; most: number };
}

const t = (e: OrchestrationEvent): number => Date.parse(e.at);
const key = (wp: string, role: string, attempt: number): string => `${wp}/${role}/${attempt}`;

function ofType<T extends OrchestrationEvent['type']>(
  events: readonly OrchestrationEvent[],
  type: T,
): Ev<T>[] {
  return events.filter((e): e is Ev<T> => e.type === type);
}

/** Longest path through the DAG where each WP weighs its measured work. */
function criticalPath(deps: ReadonlyMap<string, string[]>, work: ReadonlyMap<string, number>): number {
  const memo = new Map<string, number>();
  const finish = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const start = Math.max(0, ...(deps.get(id) ?? []).map(finish));
    const value = start + (work.get(id) ?? 0);
    memo.set(id, value);
    return value;
  };
  return Math.max(0, ...[...deps.keys()].map(finish));
}

/** The latest slot release (attempt_finished) at or before `at`; -Infinity when none. */
function lastRelease(finishes: readonly number[], at: number): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const f of finishes) if (f <= at && f > best) best = f;
  return best;
}

/** When each WP became ready: the done time of its last dependency, or the run's start for a root. */
function readyTimes(
  events: readonly OrchestrationEvent[],
  deps: ReadonlyMap<string, string[]>,
  start: number,
) {
  const doneAt = new Map<string, number>();
  for (const e of ofType(events, 'lane_changed')) if (e.lane === 'done') doneAt.set(e.wp, t(e));
  const ready = new Map<string, number>();
  for (const [id, ds] of deps) ready.set(id, Math.max(start, ...ds.map((d) => doneAt.get(d) ?? Number.NaN)));
  return ready;
}

/** The first of `items` per WP that matches `when`. */
function firstPerWp<E extends { wp: string }>(items: readonly E[], when: (e: E) => boolean): Map<string, E> {
  const first = new Map<string, E>();
  for (const e of items) if (when(e) && !first.has(e.wp)) first.set(e.wp, e);
  return first;
}

/** Compute the figures of one finished run. */
export function runMetrics(input: RunInputs): RunMetrics {
  const { events } = input;
  const started = ofType(events, 'run_started')[0];
  const finished = ofType(events, 'run_finished').at(-1);
  if (!started || !finished) throw new Error('the event log has no run_started / run_finished');
  const deps = new Map(started.workPackages.map((wp) => [wp.id, wp.dependencies]));
  const attemptsDone = ofType(events, 'attempt_finished');
  const work = new Map<string, number>();
  for (const a of attemptsDone) work.set(a.wp, (work.get(a.wp) ?? 0) + a.durationMs);
  const totalWorkMs = [...work.values()].reduce((a, b) => a + b, 0);
  const makespanMs = t(finished) - t(started);
  const criticalPathMs = criticalPath(deps, work);
  const boundMs = Math.max(criticalPathMs, totalWorkMs / input.slots);
  const overhead = overheads(input, deps, t(started));
  return {
    wps: deps.size,
    makespanMs,
    criticalPathMs,
    totalWorkMs,
    boundMs,
    ratio: makespanMs / boundMs,
    simulated: Object.fromEntries(
      SIM_POLICIES.map((p) => [p, simulate({ deps, work }, input.slots, p) / boundMs]),
    ) as Record<SimPolicy, number>,
    utilisation: totalWorkMs / (input.slots * makespanMs),
    invocations: attemptsDone.length,
    ...overhead,
    overtaken: overtakenReviews(events),
  };
}

function overheads(input: RunInputs, deps: ReadonlyMap<string, string[]>, runStart: number) {
  const { events, firstLines } = input;
  const ready = readyTimes(events, deps, runStart);
  const releases = ofType(events, 'attempt_finished').map(t);
  const firstImpl = firstPerWp(ofType(events, 'attempt_started'), (e) => e.role === 'implementation');
  const inProgress = firstPerWp(ofType(events, 'lane_changed'), (e) => e.lane === 'in_progress');
  const s = {
    readyToStart: [] as number[],
    dispatch: [] as number[],
    readyToAgent: [] as number[],
    readyToLane: [] as number[],
    laneToStart: [] as number[],
  };
  for (const [wp, start] of firstImpl) {
    const r = ready.get(wp)!;
    s.readyToStart.push(t(start) - r);
    s.dispatch.push(t(start) - Math.max(r, lastRelease(releases, t(start))));
    const line = firstLines.get(key(wp, start.role, start.attempt));
    if (line !== undefined) s.readyToAgent.push(line - r);
    const lane = inProgress.get(wp);
    if (lane) s.readyToLane.push(t(lane) - r);
    if (lane) s.laneToStart.push(t(start) - t(lane));
  }
  const review = reviewGaps(events, releases);
  const proc = processParts(input);
  return {
    readyToStart: summarize(s.readyToStart),
    dispatch: summarize(s.dispatch),
    readyToAgent: summarize(s.readyToAgent),
    reviewGap: summarize(review.gap),
    reviewDispatch: summarize(review.dispatch),
    parts: {
      'ready -> lane in_progress (schedule + worktree)': summarize(s.readyToLane),
      'lane in_progress -> attempt_started (prompt, files)': summarize(s.laneToStart),
      'impl finished -> lane in_review': summarize(review.toLane),
      'lane in_review -> review started (diff, slot, prompt)': summarize(review.laneToStart),
      'attempt_started -> first agent line (spawn + boot)': summarize(proc.toFirstLine),
      'process time - sim sleep (spawn, node, sim git)': summarize(proc.processCost),
      'impl exit -> attempt_finished (verify + record)': summarize(proc.implTail),
      'review exit -> attempt_finished (parse + record)': summarize(proc.reviewTail),
    },
  };
}

/** For each review start: the gap since the implementation it reviews finished. */
function reviewGaps(events: readonly OrchestrationEvent[], releases: readonly number[]) {
  const out = {
    gap: [] as number[],
    dispatch: [] as number[],
    toLane: [] as number[],
    laneToStart: [] as number[],
  };
  const lastImpl = new Map<string, number>();
  const inReview = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'attempt_finished' && e.role === 'implementation' && e.success) lastImpl.set(e.wp, t(e));
    if (e.type === 'lane_changed' && e.lane === 'in_review') inReview.set(e.wp, t(e));
    if (e.type !== 'attempt_started' || e.role !== 'review') continue;
    const done = lastImpl.get(e.wp);
    if (done === undefined) continue;
    out.gap.push(t(e) - done);
    out.dispatch.push(t(e) - Math.max(done, lastRelease(releases, t(e))));
    const lane = inReview.get(e.wp);
    if (lane !== undefined) out.toLane.push(lane - done);
    if (lane !== undefined) out.laneToStart.push(t(e) - lane);
  }
  return out;
}

/** Per attempt: start to first output, process time beyond the sim's sleep, and exit to attempt_finished. */
function processParts(input: RunInputs) {
  const out = {
    toFirstLine: [] as number[],
    processCost: [] as number[],
    implTail: [] as number[],
    reviewTail: [] as number[],
  };
  const startedAt = new Map<string, number>();
  for (const e of input.events) {
    if (e.type === 'attempt_started') startedAt.set(key(e.wp, e.role, e.attempt), t(e));
    if (e.type !== 'attempt_finished') continue;
    const k = key(e.wp, e.role, e.attempt);
    const start = startedAt.get(k);
    const line = input.firstLines.get(k);
    if (start !== undefined && line !== undefined) out.toFirstLine.push(line - start);
    out.processCost.push(e.durationMs - input.intendedSleepMs(e.wp, e.role));
    if (start !== undefined) {
      (e.role === 'implementation' ? out.implTail : out.reviewTail).push(t(e) - (start + e.durationMs));
    }
  }
  return out;
}

/** Count, per review, the implementation attempts that started while it waited in `in_review`. */
function overtakenReviews(events: readonly OrchestrationEvent[]) {
  const waiting = new Map<string, number>();
  const counts: number[] = [];
  for (const e of events) {
    if (e.type === 'lane_changed' && e.lane === 'in_review') waiting.set(e.wp, 0);
    if (e.type !== 'attempt_started') continue;
    if (e.role === 'review') {
      counts.push(waiting.get(e.wp) ?? 0);
      waiting.delete(e.wp);
    } else {
      for (const [wp, n] of waiting) waiting.set(wp, n + 1);
    }
  }
  return {
    reviews: counts.length,
    overtaken: counts.filter((n) => n > 0).length,
    most: Math.max(0, ...counts),
  };
}
