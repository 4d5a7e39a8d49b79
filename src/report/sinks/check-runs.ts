import type { Logger } from '../../engine/types.js';
import type { GitHubClient } from '../../github/client.js';
import { describeGitHubError, httpStatus, isPermanentDenial } from '../../github/errors.js';
import { LatestValueThrottle } from './throttle.js';

/** What a check run shows; see `renderCheckRunOutput`. */
export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
}

export type CheckRunConclusion = 'success' | 'failure' | 'action_required' | 'cancelled';

export interface CheckRunSinkOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The commit the check belongs to: the PR's head, not the merge commit GitHub builds for `pull_request`. */
  headSha: string;
  /** The check's name, e.g. `kitty-orchestrator · 001-checkout-flow`. */
  name: string;
  /** Where "Details" leads: the workflow run (GitHub asks for one with `action_required`). */
  detailsUrl: string | null;
  /** The run's id, kept as the check's external id. */
  externalId: string;
  intervalMs: number;
  logger: Logger;
  /** An id an earlier step created, to complete it instead of opening another. */
  checkRunId?: number | null;
  onCheckRunId?: (id: number) => void;
}

/**
 * One check run per feature, not one per WP. The WPs' work lives on their own branches, so per-WP checks on the
 * PR's head commit would claim results for code that is not there; a 50-WP feature would also spend 150
 * content-creating requests of the ~500/hour budget and bury the PR's other checks. The single check carries the
 * per-WP table in its summary and the review findings in its text, and its conclusion says what to do:
 * success, failure, action_required (a WP failed every agent: a person must act) or cancelled.
 */
export class CheckRunSink {
  private readonly throttle: LatestValueThrottle<{
    output: () => CheckRunOutput;
    conclusion: CheckRunConclusion | null;
  }>;
  private checkRunId: number | null;
  private disabled = false;

  constructor(private readonly options: CheckRunSinkOptions) {
    this.checkRunId = options.checkRunId ?? null;
    this.throttle = new LatestValueThrottle(
      (value) => this.write(value.output(), value.conclusion),
      options.intervalMs,
      (error) => this.warn(error),
    );
  }

  get id(): number | null {
    return this.checkRunId;
  }

  /** Show progress (throttled, rendered at write time); the check stays `in_progress`. */
  update(render: () => CheckRunOutput): void {
    if (!this.disabled) this.throttle.push({ output: render, conclusion: null });
  }

  /** Complete the check with `conclusion` now. */
  async finish(output: CheckRunOutput, conclusion: CheckRunConclusion): Promise<void> {
    if (!this.disabled) await this.throttle.flush({ output: () => output, conclusion });
  }

  private async write(output: CheckRunOutput, conclusion: CheckRunConclusion | null): Promise<void> {
    if (this.disabled) return;
    try {
      if (this.checkRunId !== null && (await this.patch(output, conclusion))) return;
      await this.create(output, conclusion);
    } catch (error) {
      this.warn(error);
    }
  }

  private async create(output: CheckRunOutput, conclusion: CheckRunConclusion | null): Promise<void> {
    const { client, owner, repo } = this.options;
    const now = new Date().toISOString();
    const created = await client.rest.checks.create({
      owner,
      repo,
      name: this.options.name,
      head_sha: this.options.headSha,
      external_id: this.options.externalId,
      started_at: now,
      ...(this.options.detailsUrl ? { details_url: this.options.detailsUrl } : {}),
      ...(conclusion ? { conclusion, completed_at: now } : { status: 'in_progress' as const }),
      output,
    });
    this.checkRunId = created.data.id;
    this.options.onCheckRunId?.(created.data.id);
  }

  /** Update the existing check; false when it no longer exists (so a new one is created). */
  private async patch(output: CheckRunOutput, conclusion: CheckRunConclusion | null): Promise<boolean> {
    const { client, owner, repo } = this.options;
    try {
      await client.rest.checks.update({
        owner,
        repo,
        check_run_id: this.checkRunId!,
        ...(conclusion
          ? { conclusion, completed_at: new Date().toISOString() }
          : { status: 'in_progress' as const }),
        output,
      });
      return true;
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      return false;
    }
  }

  private warn(error: unknown): void {
    if (isPermanentDenial(error)) {
      this.disabled = true;
      this.options.logger.warn(
        `Could not write the check run "${this.options.name}" (${describeGitHubError(error)}); the workflow ` +
          'needs `permissions: checks: write` for it. No further check-run updates in this step.',
      );
      return;
    }
    this.options.logger.warn(
      `Could not update the check run "${this.options.name}": ${describeGitHubError(error)}`,
    );
  }
}
