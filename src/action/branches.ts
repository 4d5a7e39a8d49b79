import type { Logger } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import { gitConfigCredentials } from '../git/credentials.js';
import { tryGit } from '../git/git.js';
import { BASE_REF_PREFIX } from '../host/standalone-workspace.js';

/**
 * Keeps a feature's WP branches on the remote, so no agent's work lives only on a runner that is about to be
 * recycled: the cache holds the run's state, the remote holds the code. Branches follow the standalone host's
 * naming, `<feature>-WPnn`; each one's recorded base ref goes along, so a resumed run counts a WP's work exactly.
 */
export interface BranchSync {
  /** Fetch the feature's WP branches (and base refs) a previous job pushed; a failure is a warning. */
  fetch(): Promise<void>;
  /**
   * Push the WP branches (of `wpIds` only, when given) that moved since the last push, with their base refs; a
   * failure is a warning. Calls run one at a time.
   */
  push(wpIds?: readonly string[]): Promise<void>;
}

/** The git operations the sync needs: a port, so it runs real git in tests and nothing in a dry run. */
export type GitRunner = (
  args: readonly string[],
  cwd: string,
  options?: { env?: Record<string, string> },
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export interface BranchSyncOptions {
  repoDir: string;
  slug: string;
  logger: Logger;
  remote?: string;
  git?: GitRunner;
  /**
   * The token for the push and fetch, with the server it is for. Given to those git commands only (through
   * their environment), so a checkout with `persist-credentials: false` keeps it out of `.git/config`, where
   * every agent could read it. Unused when the repo's config already holds a credential.
   */
  auth?: { token: string; serverUrl: string } | undefined;
}

const firstLine = (text: string): string =>
  text
    .trim()
    .split('\n')
    .find((l) => /^(fatal|error|!)/.test(l.trim())) ??
  text.trim().split('\n')[0] ??
  '';

/**
 * The git environment that hands the token to one command, as actions/checkout's header would; empty without
 * a token, or when the repo's config has a credential already (a second Authorization header is refused).
 */
async function authEnv(options: BranchSyncOptions): Promise<Record<string, string>> {
  if (!options.auth || (await gitConfigCredentials(options.repoDir)).length > 0) return {};
  const basic = Buffer.from(`x-access-token:${options.auth.token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${options.auth.serverUrl}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/**
 * Whether `ref` belongs to a WP branch still at its base: a worktree prepared ahead for a WP that never started
 * (or whose agent committed nothing). Pushing it would put an empty branch on the remote.
 */
function untouched(refs: ReadonlyMap<string, string>, ref: string): boolean {
  const name = ref.startsWith('refs/heads/')
    ? ref.slice('refs/heads/'.length)
    : ref.slice(BASE_REF_PREFIX.length);
  const tip = refs.get(`refs/heads/${name}`);
  return tip !== undefined && tip === refs.get(BASE_REF_PREFIX + name);
}

export function createBranchSync(options: BranchSyncOptions): BranchSync {
  const git = options.git ?? tryGit;
  const remote = options.remote ?? 'origin';
  const heads = `refs/heads/${options.slug}-WP*`;
  const bases = `${BASE_REF_PREFIX}${options.slug}-WP*`;
  const pushed = new Map<string, string>();
  let credentials: Promise<Record<string, string>> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let next: Promise<void> | null = null;
  let wanted: Set<string> | 'all' | null = null;

  const localRefs = async (): Promise<Map<string, string>> => {
    const out = await git(
      ['for-each-ref', '--format=%(objectname) %(refname)', heads, bases],
      options.repoDir,
    );
    const refs = new Map<string, string>();
    for (const line of out.stdout.split('\n')) {
      const [sha, ref] = line.trim().split(' ');
      if (sha && ref) refs.set(ref, sha);
    }
    return refs;
  };

  const pushChanged = async (wpIds?: readonly string[]): Promise<void> => {
    const wanted = (ref: string) => !wpIds || wpIds.some((id) => ref.endsWith(`/${options.slug}-${id}`));
    const refs = await localRefs();
    const changed = [...refs].filter(
      ([ref, sha]) => wanted(ref) && pushed.get(ref) !== sha && !untouched(refs, ref),
    );
    if (changed.length === 0) return;
    // Branches first and on their own: they carry the work; a host that refuses custom refs must not stop them.
    const branchRefs = changed.filter(([ref]) => ref.startsWith('refs/heads/'));
    const baseRefs = changed.filter(([ref]) => !ref.startsWith('refs/heads/'));
    for (const group of [branchRefs, baseRefs]) {
      if (group.length === 0) continue;
      const result = await git(
        ['push', '--quiet', '--no-verify', remote, ...group.map(([ref]) => `${ref}:${ref}`)],
        options.repoDir,
        { env: await (credentials ??= authEnv(options)) },
      );
      if (result.exitCode !== 0) {
        const what = group === branchRefs ? 'WP branches' : 'WP base refs';
        options.logger.warn(
          `Could not push ${what} to ${remote}: ${firstLine(result.stderr)} (the workflow needs \`permissions: contents: write\`)`,
        );
        continue;
      }
      group.forEach(([ref, sha]) => pushed.set(ref, sha));
      if (group === branchRefs)
        options.logger.info(
          `Pushed ${group.map(([ref]) => ref.replace('refs/heads/', '')).join(', ')} to ${remote}.`,
        );
    }
  };

  return {
    async fetch() {
      try {
        // No "+": a local branch with work the remote lacks (a self-hosted runner's leftover) is never overwritten.
        const result = await git(
          ['fetch', '--quiet', '--no-tags', remote, `${heads}:${heads}`, `${bases}:${bases}`],
          options.repoDir,
          { env: await (credentials ??= authEnv(options)) },
        );
        if (result.exitCode !== 0) {
          options.logger.warn(`Could not fetch WP branches from ${remote}: ${firstLine(result.stderr)}`);
          return;
        }
        const refs = await localRefs();
        refs.forEach((sha, ref) => pushed.set(ref, sha));
        const branches = [...refs.keys()].filter((r) => r.startsWith('refs/heads/'));
        if (branches.length) options.logger.info(`Fetched ${branches.length} WP branch(es) from ${remote}.`);
      } catch (error) {
        options.logger.warn(`Could not fetch WP branches from ${remote}: ${errorMessage(error)}`);
      }
    },
    push(wpIds) {
      // Requests that arrive while a push runs are merged into the next one: a resumed run reports hundreds of
      // WPs done at once, and one `git push` serves them all.
      wanted = wpIds === undefined || wanted === 'all' ? 'all' : new Set([...(wanted ?? []), ...wpIds]);
      next ??= queue.then(async () => {
        const ids = wanted === 'all' || wanted === null ? undefined : [...wanted];
        wanted = null;
        next = null;
        await pushChanged(ids).catch((error: unknown) => {
          options.logger.warn(`Could not push WP branches to ${remote}: ${errorMessage(error)}`);
        });
      });
      queue = next;
      return next;
    },
  };
}
