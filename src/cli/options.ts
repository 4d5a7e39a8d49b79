import { InvalidArgumentError, Option, type Command } from 'commander';
import { FALLBACK_STRATEGIES } from '../config/names.js';
import type { ConfigOverrides } from '../config/merge.js';
import { HOST_KINDS } from '../host/kinds.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0.');
  return n;
}

function list(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('must name at least one agent.');
  return items;
}

/** `--feature` and `--repo`, which every feature command takes. */
export function featureOptions(command: Command, required = true): Command {
  const feature = new Option(
    '-f, --feature <slug|dir>',
    `${required ? '(required) ' : ''}feature slug under kitty-specs/ (or a unique prefix), or its directory`,
  );
  if (required) feature.makeOptionMandatory();
  return command.addOption(feature).option('-r, --repo <dir>', 'repository root', '.');
}

/** `--host`: where lanes and worktrees live (orchestrate and resume). */
export function hostOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--host <host>',
      'standalone (own worktrees), spec-kitty (lanes, claims and lane workspaces through spec-kitty orchestrator-api), or auto: spec-kitty for a spec-kitty 3.x mission when the spec-kitty CLI is found',
    )
      .choices(HOST_KINDS)
      .default('auto'),
  );
}

/** The flags that override .kittify/agents.yaml for one run. */
export function overrideOptions(command: Command): Command {
  return command
    .option('--agents <ids>', 'only these agents, comma-separated (others are disabled)', list)
    .option('--impl-agent <id>', 'agent to implement with first')
    .option('--review-agent <id>', 'agent to review with first')
    .option('-c, --concurrency <n>', 'work packages in flight at once', positiveInt)
    .option('--timeout <seconds>', 'wall-clock limit of one agent invocation', positiveInt)
    .option('--inactivity-timeout <seconds>', 'kill an agent silent for this long', positiveInt)
    .addOption(
      new Option('--fallback <strategy>', 'what to do when an agent keeps failing').choices(
        FALLBACK_STRATEGIES,
      ),
    )
    .option('--max-retries <n>', 'retries with the same agent before falling back', nonNegativeInt)
    .option('--max-review-rounds <n>', 'review rounds before a work package fails', positiveInt)
    .option(
      '--verify-command <command>',
      'run in each worktree after implementing, e.g. "npm test" (split on spaces, no shell)',
    )
    .option('--base-branch <branch>', 'branch that work packages without dependencies start from')
    .option('--max-usd <dollars>', 'stop starting agents once the run has cost this much', positiveNumber)
    .option(
      '--max-usd-per-wp <dollars>',
      'stop starting agents on a work package that cost this much',
      positiveNumber,
    )
    .option('--max-tokens <n>', 'stop starting agents once the run has used this many tokens', positiveInt)
    .option('--max-tokens-per-wp <n>', 'the same, per work package', positiveInt);
}

interface OverrideFlags {
  agents?: string[];
  implAgent?: string;
  reviewAgent?: string;
  concurrency?: number;
  timeout?: number;
  inactivityTimeout?: number;
  fallback?: ConfigOverrides['fallbackStrategy'];
  maxRetries?: number;
  maxReviewRounds?: number;
  verifyCommand?: string;
  baseBranch?: string;
  maxUsd?: number;
  maxUsdPerWp?: number;
  maxTokens?: number;
  maxTokensPerWp?: number;
}

/** Map parsed flags onto the one override shape the config merge understands. */
export function overridesFrom(flags: OverrideFlags): ConfigOverrides {
  const verify = flags.verifyCommand?.trim().split(/\s+/).filter(Boolean);
  const entries: [keyof ConfigOverrides, unknown][] = [
    ['agents', flags.agents],
    ['implAgent', flags.implAgent],
    ['reviewAgent', flags.reviewAgent],
    ['concurrency', flags.concurrency],
    ['timeoutSeconds', flags.timeout],
    ['inactivityTimeoutSeconds', flags.inactivityTimeout],
    ['fallbackStrategy', flags.fallback],
    ['maxRetries', flags.maxRetries],
    ['maxReviewRounds', flags.maxReviewRounds],
    ['verifyCommand', verify?.length ? verify : undefined],
    ['baseBranch', flags.baseBranch],
    ['maxUsd', flags.maxUsd],
    ['maxUsdPerWp', flags.maxUsdPerWp],
    ['maxTokens', flags.maxTokens],
    ['maxTokensPerWp', flags.maxTokensPerWp],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}
