import type { TokenUsage } from '../agents/types.js';
import { spendLine } from './budget-text.js';
import type { Role } from '../config/schema.js';
import type { Lane } from '../feature/types.js';
import { isCutOff } from '../state/reduce-attempts.js';
import type { OrchestrationRun, RunStatus, WPExecution } from '../state/types.js';

/** One row of every progress table (terminal, PR comment, check run, job summary). */
export interface WpRow {
  id: string;
  title: string;
  lane: Lane;
  /** The agent working on it now, or the one that last did. */
  agent: string | null;
  /** The agent that implemented it last, and the one that reviewed it last. */
  implementer: string | null;
  reviewer: string | null;
  /** Implementation attempts so far. */
  attempt: number;
  reviewRounds: number;
  durationMs: number | null;
  costUsd: number;
  lastLine: string | null;
  lastError: string | null;
}

/** How one agent fared over the run, both roles together. */
export interface AgentUsage {
  agent: string;
  roles: Role[];
  /** Attempts that finished (a running one is not counted yet; an interrupted one is not the agent's doing). */
  attempts: number;
  succeeded: number;
  failed: number;
  /** Attempts cut short by the run stopping (Ctrl+C, a crash): neither success nor failure. */
  interrupted: number;
  costUsd: number;
  tokens: TokenUsage;
}

/**
 * A run's status as shown: `interrupted` is a run recorded as running whose orchestrator is gone (kill -9, a
 * forced Ctrl+C, a reboot); only a reader that checked the orchestrator's process can say so (`status`).
 */
export type ViewStatus = RunStatus | 'interrupted';

export interface RunView {
  feature: string;
  runId: string;
  status: ViewStatus;
  elapsedMs: number;
  done: number;
  total: number;
  running: number;
  failed: number;
  blocked: number;
  costUsd: number;
  tokens: { input: number; output: number };
  /** Spend against the spending limits ("spent $1.20 of $1.00 (budget reached)"); null/absent without limits. */
  spend?: string | null;
  retries: number;
  fallbacks: number;
  message: string | null;
  rows: WpRow[];
  /** Every agent that finished an attempt, most used first. */
  agents: AgentUsage[];
}

/** Lanes of a WP someone is working on. */
export const RUNNING_LANES: readonly Lane[] = [
  'claimed',
  'in_progress',
  'for_review',
  'in_review',
  'approved',
];

function wpRow(wp: WPExecution, now: Date): WpRow {
  const last = wp.attempts.at(-1);
  const end = wp.completedAt ? Date.parse(wp.completedAt) : now.getTime();
  return {
    id: wp.wpId,
    title: wp.title,
    lane: wp.lane,
    agent: last?.agent ?? wp.implementationAgent,
    implementer: wp.implementationAgent,
    reviewer: wp.reviewAgent,
    attempt: wp.attempts.filter((a) => a.role === 'implementation').length,
    reviewRounds: wp.reviewRounds,
    durationMs: wp.startedAt ? Math.max(0, end - Date.parse(wp.startedAt)) : null,
    costUsd: wp.costUsd,
    lastLine: wp.lastLine ?? null,
    lastError: wp.lastError,
  };
}

function agentUsage(run: OrchestrationRun): AgentUsage[] {
  const byAgent = new Map<string, AgentUsage>();
  for (const wp of Object.values(run.workPackages)) {
    for (const a of wp.attempts) {
      if (a.success === null) continue;
      const usage = byAgent.get(a.agent) ?? {
        agent: a.agent,
        roles: [],
        attempts: 0,
        succeeded: 0,
        failed: 0,
        interrupted: 0,
        costUsd: 0,
        tokens: { input: 0, output: 0 },
      };
      if (!usage.roles.includes(a.role)) usage.roles.push(a.role);
      if (isCutOff(a)) usage.interrupted++;
      else if (a.success) usage.succeeded++;
      else usage.failed++;
      usage.attempts = usage.succeeded + usage.failed;
      usage.costUsd += a.costUsd;
      usage.tokens = {
        input: usage.tokens.input + a.tokens.input,
        output: usage.tokens.output + a.tokens.output,
      };
      byAgent.set(a.agent, usage);
    }
  }
  return [...byAgent.values()]
    .map((u) => ({ ...u, roles: [...u.roles].sort() }))
    .sort((a, b) => b.attempts - a.attempts || a.agent.localeCompare(b.agent));
}

/** The view every renderer draws from: derived from the run snapshot alone, so renderers stay pure. */
export function toRunView(run: OrchestrationRun, now: Date): RunView {
  const rows = Object.values(run.workPackages)
    .sort((a, b) => a.wpId.localeCompare(b.wpId))
    // A stopped run's unfinished WPs stopped with it: their clocks must not keep running in `status`.
    .map((wp) => wpRow(wp, run.completedAt ? new Date(run.completedAt) : now));
  const end = run.completedAt ? Date.parse(run.completedAt) : now.getTime();
  const count = (lanes: readonly Lane[]) => rows.filter((r) => lanes.includes(r.lane)).length;
  return {
    feature: run.feature,
    runId: run.runId,
    status: run.status,
    elapsedMs: Math.max(0, end - Date.parse(run.startedAt)),
    done: count(['done']),
    total: rows.length,
    running: count(RUNNING_LANES),
    failed: count(['failed']),
    blocked: count(['blocked']),
    costUsd: run.costUsd,
    tokens: run.tokens,
    spend: spendLine(run),
    retries: run.retries,
    fallbacks: run.fallbacks,
    message: run.message,
    rows,
    agents: agentUsage(run),
  };
}
