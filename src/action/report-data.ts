import { open } from 'node:fs/promises';
import path from 'node:path';
import type { EscalationInput, ReviewNote } from '../report/render/markdown.js';
import { tailLines } from '../report/render/markdown-text.js';
import type { OrchestrationRun } from '../state/types.js';

/** Lines of an agent's log an escalation comment shows, and how much of the file is read to find them. */
const TAIL_LINES = 40;
const TAIL_BYTES = 64 * 1024;

/** Every WP's latest review, for the check run's text. */
export function reviewNotes(run: OrchestrationRun): ReviewNote[] {
  return Object.values(run.workPackages)
    .filter((wp) => wp.reviewFeedback !== null)
    .sort((a, b) => a.wpId.localeCompare(b.wpId))
    .map((wp) => ({ wpId: wp.wpId, ...wp.reviewFeedback! }));
}

/** The last `TAIL_BYTES` of a file as text, or null when it cannot be read. */
async function readTail(file: string): Promise<string | null> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * What the escalation comment says about `wpId`: its attempts and the tail of its last log, redacted. The
 * recorded log path may come from an earlier job's workspace: the same file name is looked up in `logDir` too.
 */
export async function escalationInput(
  run: OrchestrationRun,
  wpId: string,
  reason: string,
  where: { repoDir: string; logDir: string; redact: (text: string) => string },
): Promise<EscalationInput> {
  const { repoDir, logDir, redact } = where;
  const wp = run.workPackages[wpId];
  const attempts = wp?.attempts ?? [];
  const last = attempts.at(-1);
  let logTail: EscalationInput['logTail'] = null;
  if (last) {
    const candidates = [last.logFile, path.join(logDir, path.basename(last.logFile))];
    for (const file of candidates) {
      const text = await readTail(file);
      if (text !== null) {
        logTail = { file: path.relative(repoDir, file), text: redact(tailLines(text, TAIL_LINES)) };
        break;
      }
    }
  }
  return {
    feature: run.feature,
    wpId,
    title: wp?.title ?? wpId,
    reason: redact(wp?.lastError ?? reason),
    attempts: attempts.map((a) => ({
      role: a.role,
      agent: a.agent,
      attempt: a.attempt,
      errorClass: a.errorClass,
      summary: redact(a.summary),
    })),
    logTail,
  };
}
