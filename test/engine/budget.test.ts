// Spending limits with fake agents that report a fixed cost per invocation: at the limit no new invocation
// starts, the run pauses saying what was spent against what, and a resume with a higher limit finishes.
import { describe, expect, it } from 'vitest';
import { renderComment } from '../../src/report/render/markdown.js';
import { renderSummary } from '../../src/report/render/terminal-summary.js';
import { toRunView } from '../../src/report/view-model.js';
import { readInvocations } from '../fake-agents/index.js';
import { independentWps, makeRepo } from './harness.js';

const claudeOnly = (budget: Record<string, number>) => ({
  version: '1.0',
  agents: { 'claude-code': { max_concurrent: 1, inactivity_timeout_seconds: 20, timeout_seconds: 60 } },
  single_agent_mode: { enabled: true, agent: 'claude-code', delay_seconds: 0 },
  fallback: { strategy: 'next_in_list', max_retries: 0, backoff_seconds: 0 },
  global: { concurrency: 1 },
  budget,
});

describe('budget', () => {
  it('$0.40 per invocation with max_usd 1: stops starting work, pauses saying why; resume with more finishes', async () => {
    const repo = await makeRepo(independentWps(2), claudeOnly({ max_usd: 1 }), { claude: ['auto'] });
    const env = { ...repo.env, FAKE_AGENT_COST_USD: '0.40' };
    const { run } = await repo.run({ env });
    // WP01: implement + review ($0.80); WP02: implement ($1.20), then the limit holds its review back.
    expect(run.status).toBe('paused');
    expect(run.totalInvocations).toBe(3);
    expect(run.costUsd).toBeCloseTo(1.2);
    expect(run.workPackages.WP01!.lane).toBe('done');
    expect(run.workPackages.WP02!.lane).not.toBe('done');
    expect(run.message).toContain('Budget reached: The run spent $1.20 of budget.max_usd $1.00.');
    expect(run.message).toContain('resume --feature 001-parallel --max-usd <more>');
    expect(await readInvocations(repo.fakes!.scenarioFile)).toHaveLength(3);
    // Spend against the limit, in the view every report draws from.
    const view = toRunView(run, new Date(run.updatedAt));
    expect(view.spend).toBe('spent $1.20 of $1.00 (budget reached)');
    expect(renderSummary(view, { color: false, logDir: '/logs' })).toContain(
      'spent $1.20 of $1.00 (budget reached)',
    );
    const ctx = { phase: 'final' as const, runUrl: null, now: run.updatedAt };
    expect(renderComment(view, ctx)).toContain('budget: spent $1.20 of $1.00 (budget reached)');

    const resumed = await repo.run({ env, resume: true, overrides: { maxUsd: 5 } });
    expect(resumed.run.status).toBe('completed');
    expect(resumed.run.workPackages.WP02!.lane).toBe('done');
    expect(resumed.run.costUsd).toBeCloseTo(1.6);
  });

  it('a per-WP limit holds back each WP that reached it', async () => {
    const repo = await makeRepo(independentWps(2), claudeOnly({ max_usd_per_wp: 0.3 }), { claude: ['auto'] });
    const { run } = await repo.run({ env: { ...repo.env, FAKE_AGENT_COST_USD: '0.40' } });
    // Each WP's implementation spends $0.40, over its $0.30: neither review starts.
    expect(run.status).toBe('paused');
    expect(run.totalInvocations).toBe(2);
    expect(run.message).toMatch(/WP01 spent \$0\.40 of budget\.max_usd_per_wp \$0\.30; WP02 spent \$0\.40/);
  });
});
