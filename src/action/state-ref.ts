import { mkdir, rm } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import { tryGit } from '../git/git.js';
import { parseEventLog, readEventLog, reduce, statePaths } from '../state/index.js';
import type { OrchestrationEvent, OrchestrationRun } from '../state/types.js';

/**
 * The run's state pushed to a ref of the repository, `refs/kitty-orchestrator/state/<prefix>/<feature>/<branch>`: one
 * commit (no parent, force-pushed) whose tree holds the event log, a compact index of the agents' logs and where
 * the run reports. Unlike the Actions cache, a ref is never evicted and every trigger of the workflow sees it (a
 * PR's cache entries are invisible to a `workflow_dispatch` run on the PR's branch): so any trigger for the same
 * feature and branch continues the same run. The cache stays the fast path; the ref wins when it is further on.
 */

/** Where the run reports, carried from trigger to trigger (a dispatch run has no PR of its own). */
export interface StateRefMeta {
  pullNumber: number | null;
  commentId: number | null;
}

export interface StateRef {
  readonly ref: string;
  /** Fetch the ref from the remote into the local repository; a missing ref is no error. */
  fetch(): Promise<void>;
  /**
   * Put the ref's event log in place when it is further on than the local one (none, or restored from an older
   * cache entry); returns the ref's meta, or null without a ref.
   */
  restore(): Promise<StateRefMeta | null>;
  /** The meta of the local ref, without fetching (the post step: main fetched it). */
  readMeta(): Promise<StateRefMeta | null>;
  /** Commit the local event log, its index and `meta` to the ref and push it; returns whether it was pushed. */
  save(meta: StateRefMeta): Promise<boolean>;
}

export interface StateRefOptions {
  repoDir: string;
  slug: string;
  /** The branch WPs branch off (the checked-out one): the run's identity besides the feature. */
  branch: string;
  /** The state key prefix (`state-key-prefix`). */
  prefix: string;
  logger: Logger;
  remote?: string;
}

const EVENTS = 'events.jsonl';
const META = 'meta.json';
const LOGS = 'logs.json';

/** Any name as one safe ref component: everything but letters, digits, `_` and `-` percent-encoded (UTF-8). */
function refComponent(name: string): string {
  return [...Buffer.from(name, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * The ref of a feature's run on a branch, under the state key prefix: changing `state-key-prefix` starts the
 * feature over, from the ref as from the cache.
 */
export function stateRefName(prefix: string, slug: string, branch: string): string {
  return `refs/kitty-orchestrator/state/${[prefix, slug, branch].map(refComponent).join('/')}`;
}

export function createStateRef(options: StateRefOptions): StateRef {
  const ref = stateRefName(options.prefix, options.slug, options.branch);
  const remote = options.remote ?? 'origin';
  const paths = statePaths(options.repoDir, options.slug);
  const git = (args: readonly string[], input?: string) =>
    tryGit(args, options.repoDir, input === undefined ? {} : { input });
  const show = async (file: string): Promise<string | null> => {
    const out = await git(['cat-file', 'blob', `${ref}:${file}`]);
    return out.exitCode === 0 ? out.stdout : null;
  };
  const readMeta = async (): Promise<StateRefMeta | null> => {
    const text = await show(META);
    return text === null ? null : parseMeta(text);
  };

  return {
    ref,
    async fetch() {
      const out = await git(['fetch', '--quiet', '--no-tags', remote, `+${ref}:${ref}`]);
      if (out.exitCode === 0) return;
      if (/couldn't find remote ref/i.test(out.stderr)) options.logger.info(`No state ref ${ref} yet.`);
      else options.logger.warn(`Could not fetch the state ref ${ref}: ${out.stderr.trim().split('\n')[0]}`);
    },
    async restore() {
      try {
        const text = await show(EVENTS);
        if (text === null) return null;
        const fromRef = parseEventLog(text, `${ref}:${EVENTS}`);
        const local = await readEventLog(paths.events).catch(() => null);
        if (lastSeq(fromRef) > lastSeq(local ?? [])) {
          await mkdir(paths.featureDir, { recursive: true });
          await writeFileAtomic(paths.events, text);
          // The snapshot is derived from the log: a stale one would only mislead `status` until the next write.
          await rm(paths.featureSnapshot, { force: true });
          options.logger.info(`Restored orchestration state from ${ref} (${fromRef.length} events).`);
        }
        return await readMeta();
      } catch (error) {
        options.logger.warn(`Could not restore the state from ${ref}: ${errorMessage(error)}`);
        return null;
      }
    },
    readMeta: () => readMeta().catch(() => null),
    async save(meta) {
      try {
        const events = await readEventLog(paths.events);
        if (!events) return false;
        const files = {
          [EVENTS]: events.map((e) => JSON.stringify(e)).join('\n') + '\n',
          [META]: JSON.stringify(meta, null, 2) + '\n',
          [LOGS]: JSON.stringify(logIndex(reduce(events)), null, 2) + '\n',
        };
        const commit = await commitFiles(git, files, `kitty-orchestrator state of ${options.slug}`);
        await git(['update-ref', ref, commit]);
        const out = await git(['push', '--quiet', '--no-verify', remote, `+${ref}:${ref}`]);
        if (out.exitCode !== 0) {
          options.logger.warn(
            `Could not push the state ref ${ref}: ${out.stderr.trim().split('\n')[0]} (the workflow needs \`permissions: contents: write\`)`,
          );
          return false;
        }
        options.logger.info(`Pushed the orchestration state to ${ref}.`);
        return true;
      } catch (error) {
        options.logger.warn(`Could not save the state to ${ref}: ${errorMessage(error)}`);
        return false;
      }
    },
  };
}

type Git = (
  args: readonly string[],
  input?: string,
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** A parentless commit of `files` (name -> content), made with plumbing: the work tree and index stay as they are. */
async function commitFiles(git: Git, files: Record<string, string>, message: string): Promise<string> {
  const entries: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const blob = await checked(git(['hash-object', '-w', '--stdin'], content));
    entries.push(`100644 blob ${blob}\t${name}`);
  }
  const tree = await checked(git(['mktree'], entries.join('\n') + '\n'));
  const identity = [
    '-c',
    'user.name=kitty-orchestrator',
    '-c',
    'user.email=kitty-orchestrator@users.noreply.github.com',
  ];
  return checked(git([...identity, 'commit-tree', tree, '-m', message]));
}

async function checked(result: ReturnType<Git>): Promise<string> {
  const out = await result;
  if (out.exitCode !== 0) throw new Error(out.stderr.trim().split('\n')[0] ?? 'git failed');
  return out.stdout.trim();
}

const lastSeq = (events: readonly OrchestrationEvent[]): number => events.at(-1)?.seq ?? 0;

const wholeOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;

function parseMeta(text: string): StateRefMeta {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    return { pullNumber: wholeOrNull(raw.pullNumber), commentId: wholeOrNull(raw.commentId) };
  } catch {
    return { pullNumber: null, commentId: null };
  }
}

/** Every attempt's log by WP: which agent ran, how it ended, and the log's file name (in the logs artifact). */
export function logIndex(run: OrchestrationRun | null) {
  if (!run) return [];
  return Object.values(run.workPackages)
    .sort((a, b) => a.wpId.localeCompare(b.wpId))
    .flatMap((wp) =>
      wp.attempts.map((a) => ({
        wp: wp.wpId,
        role: a.role,
        agent: a.agent,
        attempt: a.attempt,
        success: a.success,
        log: a.logFile.split(/[\\/]/).at(-1) ?? a.logFile,
      })),
    );
}
