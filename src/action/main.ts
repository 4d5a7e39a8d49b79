import { runnerDeps } from './deps.js';
import { reportFailure } from './failure.js';
import { runMain } from './run-main.js';
import type { ActionDeps } from './session.js';

/**
 * The main step. The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then a kill: the first signal
 * stops the agents gracefully (the run pauses, its state is saved, the reports say so); the post step covers
 * whatever the grace period cut short. `overrides` replace the real adapters (tests hand in their own).
 */
export async function main(overrides: Partial<ActionDeps> = {}): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort('the job was cancelled');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runMain({ ...runnerDeps(overrides), signal: controller.signal });
  } catch (error) {
    reportFailure(error);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
