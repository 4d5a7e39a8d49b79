import { applyEvent, reduce } from '../state/reduce.js';
import type { OrchestrationRun, StateStore } from '../state/types.js';
import { abortedMessage, isUnfinished } from './start.js';

/**
 * End a feature's unfinished run whose orchestrator is no longer running (paused, or its process died): record
 * it as aborted. Worktrees, branches and logs are left as they are.
 */
export async function abortStoredRun(store: StateStore): Promise<OrchestrationRun | null> {
  const release = await store.lock();
  try {
    const events = await store.load();
    const run = reduce(events);
    if (!isUnfinished(run)) return run;
    const [finished] = await store.append([
      {
        type: 'run_finished',
        status: 'aborted',
        message: abortedMessage(run.feature),
      },
    ]);
    const aborted = applyEvent(run, finished!);
    await store.writeSnapshot(aborted);
    return aborted;
  } finally {
    await release();
  }
}
