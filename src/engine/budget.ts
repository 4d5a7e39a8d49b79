/**
 * Spending limits (config `budget`), pure: has the run, or one WP, spent what it may? Checked before each agent
 * invocation starts, from the snapshot's running totals (no scan of the run's attempts).
 */
import type { Config } from '../config/schema.js';
import { formatCost } from '../report/format.js';
import type { OrchestrationRun } from '../state/types.js';

export type Budget = Config['budget'];

/** A limit reached: what was spent against which limit, and the config key that sets it. */
export interface BudgetBreach {
  /** `run`, or the WP id. */
  scope: string;
  spent: number;
  limit: number;
  unit: 'usd' | 'tokens';
  key: keyof Budget;
}

interface Spend {
  costUsd: number;
  tokens: { input: number; output: number };
}

function breachOf(scope: string, spend: Spend, budget: Budget, perWp: boolean): BudgetBreach | null {
  const usdKey = perWp ? 'max_usd_per_wp' : 'max_usd';
  const tokenKey = perWp ? 'max_tokens_per_wp' : 'max_tokens';
  const usd = budget[usdKey];
  if (usd !== null && spend.costUsd >= usd)
    return { scope, spent: spend.costUsd, limit: usd, unit: 'usd', key: usdKey };
  const tokens = budget[tokenKey];
  const used = spend.tokens.input + spend.tokens.output;
  if (tokens !== null && used >= tokens)
    return { scope, spent: used, limit: tokens, unit: 'tokens', key: tokenKey };
  return null;
}

/** The limit the whole run has reached, or null. */
export function runBreach(run: OrchestrationRun, budget: Budget): BudgetBreach | null {
  return breachOf('run', run, budget, false);
}

/** The limit that stops `wpId` from starting another invocation (the run's first), or null. */
export function wpBreach(run: OrchestrationRun, wpId: string, budget: Budget): BudgetBreach | null {
  const wp = run.workPackages[wpId];
  return runBreach(run, budget) ?? (wp ? breachOf(wpId, wp, budget, true) : null);
}

/** Every limit that holds back an unfinished WP: the run's, else each WP's own (one scan, when the run ends). */
export function budgetBreaches(run: OrchestrationRun, budget: Budget): BudgetBreach[] {
  const whole = runBreach(run, budget);
  if (whole) return [whole];
  return Object.values(run.workPackages)
    .filter((wp) => wp.lane !== 'done' && wp.lane !== 'failed' && wp.lane !== 'blocked')
    .map((wp) => breachOf(wp.wpId, wp, budget, true))
    .filter((b): b is BudgetBreach => b !== null);
}

const amount = (value: number, unit: BudgetBreach['unit']): string =>
  unit === 'usd' ? formatCost(value) : `${Math.round(value).toLocaleString('en-US')} tokens`;

/** The CLI flag and action input that set each limit. */
const OVERRIDE: Record<keyof Budget, string> = {
  max_usd: 'max-usd',
  max_usd_per_wp: 'max-usd-per-wp',
  max_tokens: 'max-tokens',
  max_tokens_per_wp: 'max-tokens-per-wp',
};

/** "WP01 spent $0.80 of its budget.max_usd_per_wp $0.50" / "the run spent …". */
export function describeBreach(breach: BudgetBreach): string {
  const who = breach.scope === 'run' ? 'The run' : `${breach.scope}`;
  return `${who} spent ${amount(breach.spent, breach.unit)} of budget.${breach.key} ${amount(breach.limit, breach.unit)}`;
}

/** The escalation when limits stopped the run: spent against which limit, and how to raise it and go on. */
export function budgetMessage(breaches: readonly BudgetBreach[], feature: string): string {
  const flags = [...new Set(breaches.map((b) => OVERRIDE[b.key]))];
  const example = flags.map((flag) => `--${flag} <more>`).join(' ');
  return [
    `Budget reached: ${breaches.map(describeBreach).join('; ')}.`,
    'No new agent invocation was started; those already running finished.',
    `To go on, raise the limit (${breaches.map((b) => `budget.${b.key}`).join(', ')} in .kittify/agents.yaml, ` +
      `the ${flags.map((f) => `--${f}`).join('/')} flag, or the action's ${flags.join('/')} input) and run ` +
      `\`kitty-orchestrator resume --feature ${feature} ${example}\`.`,
  ].join('\n');
}
