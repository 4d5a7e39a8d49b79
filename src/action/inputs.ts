import path from 'node:path';
import * as core from '@actions/core';
import { z } from 'zod';
import type { ConfigOverrides } from '../config/merge.js';
import { KittyError } from '../errors.js';
import { HOST_KINDS, type HostKind } from '../host/kinds.js';

/**
 * The one place the action reads its inputs (`core.getInput`): raw strings in, one validated settings object
 * out. An empty string means "not set", as GitHub passes an input nobody gave; a bad value fails with a message
 * naming the input.
 */

/** Every input action.yml declares, in its order (a test keeps the three lists in step). */
export const INPUT_NAMES = [
  'feature',
  'working-directory',
  'agents',
  'implementation-agent',
  'review-agent',
  'concurrency',
  'timeout-seconds',
  'inactivity-timeout-seconds',
  'fallback-strategy',
  'max-retries',
  'max-review-rounds',
  'verify-command',
  'single-agent-delay-seconds',
  'base-branch',
  'max-usd',
  'max-usd-per-wp',
  'max-tokens',
  'max-tokens-per-wp',
  'host',
  'github-token',
  'reports',
  'report-interval-seconds',
  'push-branches',
  'state-key-prefix',
  'allow-fork-prs',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** Names people reach for (the CLI's flags, other actions' habits) and the input they mean. */
const RENAMED: Record<string, InputName> = {
  'impl-agent': 'implementation-agent',
  timeout: 'timeout-seconds',
  token: 'github-token',
  github_token: 'github-token',
  fallback: 'fallback-strategy',
};

export const REPORTS = ['comment', 'check-run', 'summary', 'escalation'] as const;
export type ReportKind = (typeof REPORTS)[number];

export interface ActionSettings {
  /** Slug under kitty-specs/ or a directory, as given. */
  feature: string;
  /** The repository to run in, absolute. */
  repoDir: string;
  overrides: ConfigOverrides;
  /** Where lanes and worktrees live (`--host`). */
  host: HostKind;
  /** '' when none was given: reports that need the API are then skipped. */
  githubToken: string;
  reports: ReadonlySet<ReportKind>;
  /** Least time between two edits of the PR comment or the check run. */
  reportIntervalSeconds: number;
  pushBranches: boolean;
  stateKeyPrefix: string;
  allowForkPrs: boolean;
  /** What was accepted but adjusted, for the job's log (e.g. a report interval under the floor). */
  warnings: string[];
}

/**
 * The least report interval: GitHub allows about 500 content writes an hour (80 a minute), and a comment plus a
 * check run edited every second would use that up within minutes and have later writes refused.
 */
export const MIN_REPORT_INTERVAL_SECONDS = 5;

function reportInterval(given: number | undefined, warnings: string[]): number {
  if (given === undefined) return 20;
  if (given >= MIN_REPORT_INTERVAL_SECONDS) return given;
  warnings.push(
    `input "report-interval-seconds" is ${given}, below the floor of ${MIN_REPORT_INTERVAL_SECONDS}: using ` +
      `${MIN_REPORT_INTERVAL_SECONDS} (GitHub allows about 500 content writes an hour)`,
  );
  return MIN_REPORT_INTERVAL_SECONDS;
}

/** '' -> undefined, so every optional input can share "unset" handling. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const positiveAmount = z
  .string()
  .regex(/^\s*\d+(?:\.\d+)?\s*$/, 'must be a number above 0, such as 5 or 2.50')
  .transform(Number)
  .pipe(z.number().positive('must be above 0'));

const BOOLEAN_WORDS = new Map([
  ...['true', 'True', 'TRUE'].map((w) => [w, true] as const),
  ...['false', 'False', 'FALSE'].map((w) => [w, false] as const),
]);
const booleanInput = z
  .string()
  .refine((v) => BOOLEAN_WORDS.has(v.trim()), 'must be true or false')
  .transform((v) => BOOLEAN_WORDS.get(v.trim())!);

/** Comma- or newline-separated words. */
const wordList = z.string().transform((v) =>
  v
    .split(/[,\n]/)
    .map((w) => w.trim())
    .filter(Boolean),
);

/**
 * A command as argv: a JSON array (`["npm", "test", "--", "--run"]`) or words split on whitespace. Never a shell
 * string: the engine runs it without a shell, so quotes would reach the program literally.
 */
const commandInput = z.string().transform((v, ctx) => {
  const text = v.trim();
  if (!text.startsWith('[')) return text.split(/\s+/);
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every((w) => typeof w === 'string' && w !== '')
    ) {
      return parsed as string[];
    }
  } catch {
    // Reported below with the same message as a well-formed array of the wrong shape.
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be a JSON array of non-empty strings, or words separated by spaces',
  });
  return z.NEVER;
});

const reportsInput = wordList.transform((words, ctx) => {
  if (words.length === 1 && words[0] === 'none') return new Set<ReportKind>();
  if (words.length === 1 && words[0] === 'all') return new Set<ReportKind>(REPORTS);
  const unknown = words.filter((w) => !(REPORTS as readonly string[]).includes(w));
  if (unknown.length) {
    ctx.addIssue({
      code: 'custom',
      message: `names an unknown report "${unknown[0]}" (known: ${REPORTS.join(', ')}, all, none)`,
    });
    return z.NEVER;
  }
  return new Set(words as ReportKind[]);
});

const inputSchema = z.object({
  feature: z.string().trim().min(1, 'is required: a feature slug under kitty-specs/ or its directory'),
  'working-directory': z.string().default('.'),
  agents: unsetIfEmpty(wordList.pipe(z.array(z.string()).min(1, 'names no agent'))),
  'implementation-agent': unsetIfEmpty(z.string().trim()),
  'review-agent': unsetIfEmpty(z.string().trim()),
  concurrency: unsetIfEmpty(wholeNumber(1, 100)),
  'timeout-seconds': unsetIfEmpty(wholeNumber(1, 6 * 3600)),
  'inactivity-timeout-seconds': unsetIfEmpty(wholeNumber(1, 6 * 3600)),
  'fallback-strategy': unsetIfEmpty(z.string().trim()),
  'max-retries': unsetIfEmpty(wholeNumber(0, 10)),
  'max-review-rounds': unsetIfEmpty(wholeNumber(1, 20)),
  'verify-command': unsetIfEmpty(commandInput),
  'single-agent-delay-seconds': unsetIfEmpty(wholeNumber(0, 3600)),
  'base-branch': unsetIfEmpty(z.string().trim()),
  'max-usd': unsetIfEmpty(positiveAmount),
  'max-usd-per-wp': unsetIfEmpty(positiveAmount),
  'max-tokens': unsetIfEmpty(wholeNumber(1, Number.MAX_SAFE_INTEGER)),
  'max-tokens-per-wp': unsetIfEmpty(wholeNumber(1, Number.MAX_SAFE_INTEGER)),
  host: unsetIfEmpty(z.enum(HOST_KINDS, { error: `must be one of ${HOST_KINDS.join(', ')}` })),
  'github-token': z.string().default(''),
  reports: unsetIfEmpty(reportsInput),
  'report-interval-seconds': unsetIfEmpty(wholeNumber(0, 3600)),
  'push-branches': unsetIfEmpty(booleanInput),
  'state-key-prefix': unsetIfEmpty(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'may hold only letters, digits, ".", "_" and "-" (at most 100)'),
  ),
  'allow-fork-prs': unsetIfEmpty(booleanInput),
});
type ParsedInputs = z.infer<typeof inputSchema>;

/** The engine's overrides; an input left unset stays undefined, which the config merge reads as "not given". */
function overridesFrom(p: ParsedInputs): ConfigOverrides {
  return {
    agents: p.agents,
    implAgent: p['implementation-agent'],
    reviewAgent: p['review-agent'],
    concurrency: p.concurrency,
    timeoutSeconds: p['timeout-seconds'],
    inactivityTimeoutSeconds: p['inactivity-timeout-seconds'],
    fallbackStrategy: p['fallback-strategy'],
    maxRetries: p['max-retries'],
    maxReviewRounds: p['max-review-rounds'],
    verifyCommand: p['verify-command'],
    singleAgentDelaySeconds: p['single-agent-delay-seconds'],
    baseBranch: p['base-branch'],
    maxUsd: p['max-usd'],
    maxUsdPerWp: p['max-usd-per-wp'],
    maxTokens: p['max-tokens'],
    maxTokensPerWp: p['max-tokens-per-wp'],
  };
}

/**
 * Validate raw input strings into settings. `workspace` anchors a relative working-directory. Throws
 * KittyError('usage') naming the first bad input, or the input a renamed one should be.
 */
export function parseInputs(raw: Readonly<Record<string, string>>, workspace: string): ActionSettings {
  for (const [old, current] of Object.entries(RENAMED)) {
    if (raw[old]) throw new KittyError('usage', `input "${old}" does not exist: did you mean "${current}"?`);
  }
  const result = inputSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'inputs');
    const given = raw[name];
    const shown = given === undefined || given === '' ? '' : ` (got "${given.slice(0, 80)}")`;
    throw new KittyError('usage', `input "${name}" ${issue.message}${shown}`);
  }
  const p = result.data;
  const warnings: string[] = [];
  return {
    feature: p.feature,
    repoDir: path.resolve(workspace, p['working-directory'] || '.'),
    overrides: overridesFrom(p),
    host: p.host ?? 'auto',
    githubToken: p['github-token'].trim(),
    reports: p.reports ?? new Set(REPORTS),
    reportIntervalSeconds: reportInterval(p['report-interval-seconds'], warnings),
    pushBranches: p['push-branches'] ?? true,
    stateKeyPrefix: p['state-key-prefix'] ?? 'kitty-orchestrator',
    allowForkPrs: p['allow-fork-prs'] ?? false,
    warnings,
  };
}

/** Read every input (and the renamed ones, to catch them) with `core.getInput` and validate them. */
export function readSettings(workspace: string): ActionSettings {
  const names = [...INPUT_NAMES, ...Object.keys(RENAMED)];
  const raw = Object.fromEntries(names.map((name) => [name, core.getInput(name)]));
  return parseInputs(raw, workspace);
}
