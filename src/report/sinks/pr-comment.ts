import type { Logger } from '../../engine/types.js';
import type { GitHubClient } from '../../github/client.js';
import { describeGitHubError, isPermanentDenial } from '../../github/errors.js';
import { tokenLogin, upsertComment, type IssueRef } from './comments.js';
import { LatestValueThrottle } from './throttle.js';

export interface PrCommentSinkOptions {
  client: GitHubClient;
  ref: IssueRef;
  /** The hidden marker the body starts with (`commentMarker(feature)`). */
  marker: string;
  /** Least time between two edits; the final edit is never held back. */
  intervalMs: number;
  logger: Logger;
  /** The comment's id when an earlier step already knows it (a function: asked when first needed). */
  commentId?: number | null | (() => number | null);
  /** Told the id once the comment exists, so the post step can finalise it without searching. */
  onCommentId?: (id: number) => void;
}

/**
 * The one progress comment of a feature on its PR, edited in place. Updates are throttled; `finish` writes the
 * final body at once. Failures are warnings: reporting never fails the run. After a permanent denial (the
 * token lacks `pull-requests: write`) the sink says so once and stops trying.
 */
export class PrCommentSink {
  private readonly throttle: LatestValueThrottle<() => string>;
  private commentId: number | null;
  private lastBody: string | null = null;
  private disabled = false;
  private author: Promise<string> | null = null;

  constructor(private readonly options: PrCommentSinkOptions) {
    this.commentId = typeof options.commentId === 'number' ? options.commentId : null;
    this.throttle = new LatestValueThrottle(
      (render) => this.write(render),
      options.intervalMs,
      (error) => this.warn(error),
    );
  }

  /** The comment's id, once known. */
  get id(): number | null {
    return this.commentId;
  }

  /**
   * Show the body `render` makes, soon: throttled, and a newer update replaces one not yet written. Rendering
   * waits until the write, so a burst of events costs one rendering, not one each.
   */
  update(render: () => string): void {
    if (!this.disabled) this.throttle.push(render);
  }

  /** Write `body` now and wait for it. */
  async finish(body: string): Promise<void> {
    if (!this.disabled) await this.throttle.flush(() => body);
  }

  private async write(render: () => string): Promise<void> {
    if (this.disabled) return;
    const body = render();
    if (body === this.lastBody) return;
    const { client, ref, marker } = this.options;
    if (this.commentId === null && typeof this.options.commentId === 'function') {
      this.commentId = this.options.commentId();
    }
    try {
      const id = await upsertComment(client, ref, marker, body, this.commentId, {
        author: () => (this.author ??= tokenLogin(client)),
        onReplaced: (why) =>
          this.options.logger.warn(`The progress comment: ${why}; posting a new progress comment instead.`),
      });
      if (id !== this.commentId) this.options.onCommentId?.(id);
      this.commentId = id;
      this.lastBody = body;
    } catch (error) {
      this.warn(error);
    }
  }

  private warn(error: unknown): void {
    const where = `${this.options.ref.owner}/${this.options.ref.repo}#${this.options.ref.issueNumber}`;
    if (isPermanentDenial(error)) {
      this.disabled = true;
      this.options.logger.warn(
        `Could not write the progress comment on ${where} (${describeGitHubError(error)}); the workflow needs ` +
          '`permissions: pull-requests: write` for it. No further comment updates in this step.',
      );
      return;
    }
    this.options.logger.warn(
      `Could not update the progress comment on ${where}: ${describeGitHubError(error)}`,
    );
  }
}
