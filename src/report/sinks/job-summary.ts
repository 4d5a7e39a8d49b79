import { errorMessage } from '../../errors.js';
import type { Logger } from '../../engine/types.js';

/** The slice of `core.summary` the sink needs (a port, so tests can hand in the real one or their own). */
export interface SummaryWriter {
  emptyBuffer(): SummaryWriter;
  addRaw(text: string, addEOL?: boolean): SummaryWriter;
  write(options?: { overwrite?: boolean }): Promise<unknown>;
}

/**
 * Writes the step's job summary (`$GITHUB_STEP_SUMMARY`). Each write replaces what this step wrote before, so
 * the summary always shows the latest state once. A failure (no summary file outside Actions) is a warning.
 */
export async function writeJobSummary(
  summary: SummaryWriter,
  markdown: string,
  logger: Logger,
): Promise<void> {
  try {
    await summary.emptyBuffer().addRaw(markdown, true).write({ overwrite: true });
  } catch (error) {
    logger.warn(`Could not write the job summary: ${errorMessage(error)}`);
  }
}
