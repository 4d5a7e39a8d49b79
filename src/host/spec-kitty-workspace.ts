import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { KittyError } from '../errors.js';
import { gitLine } from '../git/git.js';
import type { SpecKittyCli } from './spec-kitty-cli.js';
import { advanceMissionBranch } from './spec-kitty-mission-branch.js';
import type { SpecKittyView } from './spec-kitty-log.js';
import type { Workspace } from './types.js';

/** Where each WP's lane branch stood when we claimed it: its later commits are the WP's work. */
export interface BaseBook {
  get(wpId: string): Promise<string | undefined>;
  set(wpId: string, commit: string): Promise<void>;
}

/** The book as a small JSON file in our state directory (spec-kitty's files take no keys of ours). */
export function createBaseBook(file: string): BaseBook {
  let cache: Promise<Record<string, string>> | null = null;
  const load = () =>
    (cache ??= readFile(file, 'utf8')
      .then((text) => JSON.parse(text) as Record<string, string>)
      .catch((): Record<string, string> => ({})));
  return {
    get: async (wpId) => (await load())[wpId],
    set: async (wpId, commit) => {
      const book = await load();
      book[wpId] = commit;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, `${JSON.stringify(book, null, 2)}\n`);
    },
  };
}

export interface ClaimContext {
  cli: SpecKittyCli;
  repoDir: string;
  featureDir: string;
  mission: string;
  actor: string;
  policy: string;
  bases: BaseBook;
}

/**
 * Claims the WP in spec-kitty and returns its lane workspace. A planned WP is claimed with
 * `start-implementation` (spec-kitty creates the lane worktree from the mission branch, dependency lanes
 * merged in); one of ours already under way is found again with `resolve-workspace`; a WP somebody else holds
 * is refused, never taken over.
 */
export async function claimWorkspace(
  ctx: ClaimContext,
  view: SpecKittyView,
  wpId: string,
): Promise<Workspace> {
  const held = view.lanes.get(wpId) ?? { lane: 'planned', actor: '' };
  const args = ['--mission', ctx.mission, '--wp', wpId];
  const claimArgs = [...args, '--actor', ctx.actor, '--policy', ctx.policy];
  let data: Record<string, unknown>;
  if (
    held.lane === 'planned' ||
    ((held.lane === 'claimed' || held.lane === 'in_progress') && held.actor === ctx.actor)
  ) {
    data = (await ctx.cli.api(['start-implementation', ...claimArgs])).data;
  } else if (held.actor === ctx.actor && held.lane !== 'done' && held.lane !== 'canceled') {
    // A WP of ours that failed before: back to work (blocked -> in_progress is a legitimate move).
    if (held.lane === 'blocked') {
      await ctx.cli.api([
        'transition',
        ...claimArgs,
        '--to',
        'in_progress',
        '--note',
        'resumed by kitty-orchestrator',
      ]);
    }
    data = (await ctx.cli.api(['resolve-workspace', ...args])).data;
  } else {
    const who = held.actor === '' ? 'another actor' : held.actor;
    throw new KittyError('host', `${wpId} is ${held.lane} in spec-kitty (held by ${who}); it is left alone`);
  }
  if (held.lane === 'planned' || held.lane === 'blocked')
    view.lanes.set(wpId, { lane: 'in_progress', actor: ctx.actor });
  return workspaceFrom(ctx, wpId, data);
}

async function workspaceFrom(
  ctx: ClaimContext,
  wpId: string,
  data: Record<string, unknown>,
): Promise<Workspace> {
  const { workspace_path: where, lane_branch: branch } = data;
  if (typeof where !== 'string' || typeof branch !== 'string') {
    throw new KittyError(
      'host',
      `spec-kitty named no lane workspace for ${wpId} (no workspace_path/lane_branch)`,
    );
  }
  let baseCommit = await ctx.bases.get(wpId);
  if (baseCommit === undefined) {
    baseCommit = await gitLine(['rev-parse', `refs/heads/${branch}`], where);
    await ctx.bases.set(wpId, baseCommit);
    if (typeof data.lane_id === 'string') {
      await advanceMissionBranch(ctx.featureDir, data.lane_id, baseCommit, ctx.repoDir);
    }
  }
  return { wpId, path: where, branch, baseCommit };
}
