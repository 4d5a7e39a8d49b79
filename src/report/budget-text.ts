/**
 * Spend against the run's spending limits, in words, for every report (live view, summary, `status`, PR comment,
 * action outputs): one wording everywhere.
 */
import type { OrchestrationRun, RunBudget } from '../state/types.js';
import { formatCost, formatTokens } from './format.js';

const hasAny = (budget: RunBudget | undefined): budget is RunBudget =>
  budget !== undefined && Object.values(budget).some((limit) => limit !== null);

/** The limits: "$1.00 per run, $0.50 per WP, 200k tokens per run"; "none" when there are none. */
export function budgetLimits(budget: RunBudget): string {
  const parts: string[] = [];
  if (budget.max_usd !== null) parts.push(`${formatCost(budget.max_usd)} per run`);
  if (budget.max_usd_per_wp !== null) parts.push(`${formatCost(budget.max_usd_per_wp)} per WP`);
  if (budget.max_tokens !== null) parts.push(`${formatTokens(budget.max_tokens)} tokens per run`);
  if (budget.max_tokens_per_wp !== null)
    parts.push(`${formatTokens(budget.max_tokens_per_wp)} tokens per WP`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * "spent $1.20 of $1.00 (budget reached)" against the run's own limits, then the per-WP limits; null when the run
 * has no limit at all.
 */
export function spendLine(run: OrchestrationRun): string | null {
  const budget = run.budget;
  if (!hasAny(budget)) return null;
  const parts: string[] = [];
  const tokens = run.tokens.input + run.tokens.output;
  let reached = false;
  if (budget.max_usd !== null) {
    parts.push(`${formatCost(run.costUsd)} of ${formatCost(budget.max_usd)}`);
    reached ||= run.costUsd >= budget.max_usd;
  }
  if (budget.max_tokens !== null) {
    parts.push(`${formatTokens(tokens)} of ${formatTokens(budget.max_tokens)} tokens`);
    reached ||= tokens >= budget.max_tokens;
  }
  if (parts.length === 0) parts.push(formatCost(run.costUsd));
  const perWp = [
    budget.max_usd_per_wp === null ? null : formatCost(budget.max_usd_per_wp),
    budget.max_tokens_per_wp === null ? null : `${formatTokens(budget.max_tokens_per_wp)} tokens`,
  ].filter((part): part is string => part !== null);
  const wpLimit = perWp.length > 0 ? `; limit ${perWp.join(' and ')} per WP` : '';
  return `spent ${parts.join(', ')}${wpLimit}${reached ? ' (budget reached)' : ''}`;
}
