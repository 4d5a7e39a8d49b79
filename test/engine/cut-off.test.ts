import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrchestrationEvent } from '../../src/state/types.js';
import { git, makeRepo, simConfig, type TestRepo } from './harness.js';

const feature = { slug: '007-cutoff', wps: [{ id: 'WP01', subtasks: ['T001'] }] };
const worktree = (repo: TestRepo) => path.join(repo.dir, '.worktrees', `${repo.slug}-WP01`);
const branch = (repo: TestRepo) => `${repo.slug}-WP01`;

/** Run until WP01's first implementation attempt starts, then stop (as Ctrl+C would): the attempt is cut off. */
async function cutOffFirstAttempt(repo: TestRepo): Promise<void> {
  const stop = new AbortController();
  const { run } = await repo.run({
    signal: stop.signal,
    onEvent: (e) => (e.type === 'attempt_started' ? stop.abort('interrupted') : undefined),
  });
  expect(run.status).toBe('paused');
  expect(run.workPackages.WP01?.attempts[0]?.head).toMatch(/^[0-9a-f]{40}$/);
}

/** What the cut-off agent got done before it died: a commit on the WP branch. */
async function commitInWorktree(repo: TestRepo, file: string): Promise<string> {
  await writeFile(path.join(worktree(repo), file), 'work of the cut-off attempt\n');
  git(worktree(repo), 'add', file);
  git(worktree(repo), 'commit', '-q', '-m', `cut-off attempt: ${file}`);
  return git(worktree(repo), 'rev-parse', 'HEAD');
}

function implementationsAfterResume(events: OrchestrationEvent[]): number {
  const resumed = events.findIndex((e) => e.type === 'run_resumed');
  return events.slice(resumed).filter((e) => e.type === 'attempt_started' && e.role === 'implementation')
    .length;
}

function branchSubjects(repo: TestRepo): string[] {
  return git(repo.dir, 'log', '--format=%s', `main..${branch(repo)}`)
    .split('\n')
    .filter(Boolean);
}

describe('a cut-off implementation attempt on resume', () => {
  it('is adopted when verify accepts its commits: review next, no second implementation', async () => {
    const repo = await makeRepo(feature, simConfig({ duration_ms: 300 }));
    await cutOffFirstAttempt(repo);
    await commitInWorktree(repo, 'partial.txt');
    const events: OrchestrationEvent[] = [];
    const { run } = await repo.run({ resume: true, onEvent: (e) => void events.push(e) });
    expect(run.status).toBe('completed');
    expect(implementationsAfterResume(events)).toBe(0);
    expect(branchSubjects(repo)).toEqual(['cut-off attempt: partial.txt']);
  });

  it('is reset to the HEAD recorded at its start when verify rejects it, its work kept under a ref', async () => {
    const verify = { verify_command: ['test', '!', '-e', 'broken.txt'] };
    const repo = await makeRepo(feature, simConfig({ duration_ms: 300 }, verify));
    await cutOffFirstAttempt(repo);
    const cutTip = await commitInWorktree(repo, 'broken.txt');
    const events: OrchestrationEvent[] = [];
    const { run } = await repo.run({ resume: true, onEvent: (e) => void events.push(e) });
    expect(run.status).toBe('completed');
    expect(implementationsAfterResume(events)).toBe(1);
    const subjects = branchSubjects(repo);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toMatch(/^sim: implement WP01 /);
    const kept = git(repo.dir, 'for-each-ref', '--format=%(objectname)', 'refs/kitty-orchestrator/cut-off/');
    expect(kept).toBe(cutTip);
  });
});
