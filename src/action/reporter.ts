import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import {
  checkRunConclusion,
  commentMarker,
  escalationMarker,
  renderCheckRunOutput,
  renderComment,
  renderEscalation,
  renderEscalationResolved,
  renderJobSummary,
  type ReportContext,
  type ReportPhase,
} from '../report/render/markdown.js';
import type { WpLinks } from '../report/render/markdown-state.js';
import { CheckRunSink } from '../report/sinks/check-runs.js';
import { EscalationSink } from '../report/sinks/escalation.js';
import { writeJobSummary, type SummaryWriter } from '../report/sinks/job-summary.js';
import { PrCommentSink } from '../report/sinks/pr-comment.js';
import { toRunView } from '../report/view-model.js';
import type { OrchestrationEvent, OrchestrationRun } from '../state/types.js';
import type { RunContext } from './context.js';
import type { LogArtifacts } from './log-artifacts.js';
import type { ReportKind } from './inputs.js';
import { escalationInput, reviewNotes } from './report-data.js';

export interface ReporterOptions {
  /** The feature's slug: it names the comment's marker and the check run. */
  feature: string;
  reports: ReadonlySet<ReportKind>;
  /** null without a token or outside Actions: only the job summary is written. */
  client: GitHubClient | null;
  context: RunContext;
  logger: Logger;
  summary: SummaryWriter;
  intervalMs: number;
  repoDir: string;
  logDir: string;
  redact: (text: string) => string;
  /** Ids an earlier step recorded, so the post step finalises the same comment and check run. */
  commentId?: number | null | (() => number | null);
  checkRunId?: number | null;
  onCommentId?: (id: number) => void;
  onCheckRunId?: (id: number) => void;
  now?: () => Date;
  /** Uploads each WP's logs as an artifact once it is done or failed; null when artifacts are unavailable. */
  logs?: LogArtifacts | null;
  /** Where WP branches are on GitHub (null when they are not pushed): reports link to them and their diffs. */
  branches?: Omit<WpLinks, 'logs'> | null;
}

/**
 * Wires the run to its reports: the PR comment and the check run follow every event (throttled), a WP that
 * failed every agent gets an escalation comment, and `finish` writes the final state everywhere plus the job
 * summary. Nothing here throws: a report that cannot be written is a warning, never a failed run.
 */
export class ActionReporter {
  private readonly comment: PrCommentSink | null;
  private readonly checkRun: CheckRunSink | null;
  private readonly escalation: EscalationSink | null;
  private readonly pending = new Set<Promise<void>>();
  /** WPs an agent worked on in this step: only their logs are new, and uploaded. */
  private readonly worked = new Set<string>();
  private readonly now: () => Date;

  constructor(private readonly options: ReporterOptions) {
    this.now = options.now ?? (() => new Date());
    const { client, context, reports, logger } = options;
    const ref =
      client && context.repository && context.pullNumber !== null
        ? { ...context.repository, issueNumber: context.pullNumber }
        : null;
    this.comment =
      ref && reports.has('comment')
        ? new PrCommentSink({
            client: client!,
            ref,
            marker: commentMarker(options.feature),
            intervalMs: options.intervalMs,
            logger,
            commentId: options.commentId ?? null,
            ...(options.onCommentId ? { onCommentId: options.onCommentId } : {}),
          })
        : null;
    this.escalation = ref && reports.has('escalation') ? new EscalationSink(client!, ref, logger) : null;
    this.checkRun =
      client && context.repository && context.headSha && reports.has('check-run')
        ? this.checkRunSink(client)
        : null;
  }

  private checkRunSink(client: GitHubClient): CheckRunSink {
    const { context, logger } = this.options;
    return new CheckRunSink({
      client,
      owner: context.repository!.owner,
      repo: context.repository!.repo,
      headSha: context.headSha!,
      name: `kitty-orchestrator (${this.options.feature})`,
      detailsUrl: context.runUrl,
      externalId: context.runId,
      intervalMs: this.options.intervalMs,
      logger,
      checkRunId: this.options.checkRunId ?? null,
      ...(this.options.onCheckRunId ? { onCheckRunId: this.options.onCheckRunId } : {}),
    });
  }

  /** The progress comment's id, once known (the state ref carries it to the next trigger). */
  get commentId(): number | null {
    return this.comment?.id ?? null;
  }

  private ctx(phase: ReportPhase): ReportContext {
    const { branches, logs } = this.options;
    const links = branches ? { ...branches, logs: logs?.urls ?? {} } : null;
    return { phase, runUrl: this.options.context.runUrl, now: this.now().toISOString(), links };
  }

  /** Follow the run: called with each recorded event and the run as it now stands. */
  onEvent(event: OrchestrationEvent, run: OrchestrationRun): void {
    try {
      this.show(run, 'live');
      if (event.type === 'attempt_started') this.worked.add(event.wp);
      const finished = event.type === 'wp_failed' || (event.type === 'lane_changed' && event.lane === 'done');
      if (finished && this.worked.has(event.wp) && this.options.logs) {
        this.track(this.options.logs.upload(event.wp));
      }
      if (event.type === 'wp_failed') this.track(this.escalate(run, event.wp, event.reason));
      if (event.type === 'lane_changed' && event.lane === 'done') this.resolveEscalation(run, event.wp);
    } catch (error) {
      this.options.logger.warn(`Could not render the progress report: ${errorMessage(error)}`);
    }
  }

  /** Queue the run for the live reports; they render it when they write (throttled), not per event. */
  private show(run: OrchestrationRun, phase: ReportPhase): void {
    this.comment?.update(() => renderComment(toRunView(run, this.now()), this.ctx(phase)));
    this.checkRun?.update(() =>
      renderCheckRunOutput(toRunView(run, this.now()), reviewNotes(run), this.ctx(phase)),
    );
  }

  private async escalate(run: OrchestrationRun, wpId: string, reason: string): Promise<void> {
    if (!this.escalation) return;
    const { repoDir, logDir, redact } = this.options;
    const input = await escalationInput(run, wpId, reason, { repoDir, logDir, redact });
    await this.options.logs?.upload(wpId); // the comment links to the logs

    await this.escalation.post(
      wpId,
      escalationMarker(run.feature, wpId),
      renderEscalation(input, this.ctx('final')),
    );
  }

  /**
   * A WP done after an attempt failed may have had an escalation comment (posted by this run or an earlier
   * trigger's): say it was resolved. WPs that never failed cost no request.
   */
  private resolveEscalation(run: OrchestrationRun, wpId: string): void {
    const wp = run.workPackages[wpId];
    if (!this.escalation || !wp?.attempts.some((a) => a.success === false)) return;
    const body = renderEscalationResolved({ feature: run.feature, wpId, title: wp.title }, this.ctx('final'));
    this.track(this.escalation.resolve(wpId, escalationMarker(run.feature, wpId), body));
  }

  private track(promise: Promise<void>): void {
    const safe = promise.catch((error: unknown) =>
      this.options.logger.warn(`Could not report: ${errorMessage(error)}`),
    );
    this.pending.add(safe);
    void safe.finally(() => this.pending.delete(safe));
  }

  /**
   * Write the final reports at once: the comment, the check run with its conclusion, and the job summary. `run`
   * is null when the run never started (an error before its first event): there is nothing to report then.
   */
  async finish(run: OrchestrationRun | null, phase: Exclude<ReportPhase, 'live'>): Promise<void> {
    await Promise.all([...this.pending]);
    if (!run) return;
    try {
      const view = toRunView(run, this.now());
      const ctx = this.ctx(phase);
      const conclusion = checkRunConclusion(view, phase) ?? 'cancelled';
      await Promise.all([
        this.comment?.finish(renderComment(view, ctx)),
        this.checkRun?.finish(renderCheckRunOutput(view, reviewNotes(run), ctx), conclusion),
        this.options.reports.has('summary')
          ? writeJobSummary(this.options.summary, renderJobSummary(view, ctx), this.options.logger)
          : undefined,
      ]);
    } catch (error) {
      this.options.logger.warn(`Could not write the final reports: ${errorMessage(error)}`);
    }
  }
}
