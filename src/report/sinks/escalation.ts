import type { Logger } from '../../engine/types.js';
import type { GitHubClient } from '../../github/client.js';
import { describeGitHubError } from '../../github/errors.js';
import { upsertComment, type IssueRef } from './comments.js';

/**
 * Posts a WP's escalation comment (found again by its marker, so a re-run that fails the same WP edits the
 * comment instead of adding one). Each WP is posted at most once per step. A failure is a warning.
 */
export class EscalationSink {
  private readonly posted = new Set<string>();

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
}
