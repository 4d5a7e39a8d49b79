import type { Logger } from '../../engine/types.js';
import type { GitHubClient } from '../../github/client.js';
import { describeGitHubError } from '../../github/errors.js';
import { findMarkedComment, upsertComment, type IssueRef } from './comments.js';

/**
 * Posts a WP's escalation comment (found again by its marker, so a re-run that fails the same WP edits the
 * comment instead of adding one), and edits it to say resolved once the WP got done. Each WP is posted and
 * resolved at most once per step. A failure is a warning.
 */
export class EscalationSink {
  private readonly posted = new Set<string>();
  private readonly resolved = new Set<string>();

  constructor(
    private readonly client: GitHubClient,
    private readonly ref: IssueRef,
    private readonly logger: Logger,
  ) {}

  /** Post `body` for `wpId` unless this step already did. */
  async post(wpId: string, marker: string, body: string): Promise<void> {
    if (this.posted.has(wpId)) return;
    this.posted.add(wpId);
    try {
      await upsertComment(this.client, this.ref, marker, body, null);
    } catch (error) {
      this.logger.warn(`Could not post the escalation comment for ${wpId}: ${describeGitHubError(error)}`);
    }
  }

  /** Replace `wpId`'s escalation comment, if there is one, with `body` (which says it was resolved). */
  async resolve(wpId: string, marker: string, body: string): Promise<void> {
    if (this.resolved.has(wpId)) return;
    this.resolved.add(wpId);
    try {
      const found = await findMarkedComment(this.client, this.ref, marker);
      if (!found || found.body === body) return;
      await upsertComment(this.client, this.ref, marker, body, found.id);
    } catch (error) {
      this.logger.warn(`Could not mark the escalation of ${wpId} resolved: ${describeGitHubError(error)}`);
    }
  }
}
