import { reviewInstructions } from '../agents/review.js';
import type { ReviewFinding } from '../agents/types.js';
import type { Feature, WorkPackage } from '../feature/types.js';

/** The marker that starts the list of review findings in a rework prompt (the sim agent looks for it). */
export const FINDINGS_MARKER = 'Findings to address:';

function subtaskList(wp: WorkPackage): string {
  if (wp.subtasks.length === 0) return '';
  const lines = wp.subtasks.map(
    (s) => `- ${s.id}${s.title ? ` ${s.title}` : ''}${s.done ? ' (already done)' : ''}`,
  );
  return `\nSubtasks:\n${lines.join('\n')}\n`;
}

function findingList(findings: readonly ReviewFinding[]): string {
  return findings.map((f) => `- ${f.location ? `${f.location}: ` : ''}${f.message}`).join('\n');
}

export interface ImplementationPromptInput {
  feature: Feature;
  wp: WorkPackage;
  branch: string;
  /** The previous review's findings when this is a rework round. */
  rework?: { summary: string; findings: readonly ReviewFinding[] } | undefined;
}

/** The prompt an implementer gets: the orchestrator's ground rules, then the WP's own prompt file. */
export function implementationPrompt({ feature, wp, branch, rework }: ImplementationPromptInput): string {
  const owned = wp.ownedFiles.length ? `\nFiles this work package owns: ${wp.ownedFiles.join(', ')}\n` : '';
  const reworkText = rework
    ? `\nA reviewer asked for changes to your previous work on this branch.\nReview summary: ${rework.summary}\n` +
      `${FINDINGS_MARKER}\n${findingList(rework.findings)}\n`
    : '';
  return [
    `You are implementing work package ${wp.id} ("${wp.title}") of feature ${feature.slug}.`,
    `You are in a git worktree on branch ${branch}. Work only in this directory.`,
    'When you are done, commit your changes with git (clear messages). Do not push, do not switch branches,',
    'do not rewrite history. Nobody will answer questions: make reasonable decisions and note them in commits.',
    `${subtaskList(wp)}${owned}${reworkText}`,
    '--- Work package prompt ---',
    wp.body.trim(),
    '',
  ].join('\n');
}

export interface ReviewPromptInput {
  feature: Feature;
  wp: WorkPackage;
  implementer: string;
  implementationSummary: string;
  diff: string;
}

/** The prompt a reviewer gets: the WP, what the implementer said, the diff, and the verdict contract. */
export function reviewPrompt({
  feature,
  wp,
  implementer,
  implementationSummary,
  diff,
}: ReviewPromptInput): string {
  return [
    `You are reviewing work package ${wp.id} ("${wp.title}") of feature ${feature.slug}, implemented by ${implementer}.`,
    'The worktree you are in holds the implementation. Check it against the work package: correctness, tests,',
    'scope. Do not change any files.',
    subtaskList(wp),
    '--- Work package prompt ---',
    wp.body.trim(),
    '',
    '--- Implementer summary ---',
    implementationSummary.trim() || '(none given)',
    '',
    '--- Diff against the base ---',
    diff.trim() || '(empty diff)',
    '',
    reviewInstructions(),
    '',
  ].join('\n');
}
