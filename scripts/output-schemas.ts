/**
 * The contract of every `--json` output, as zod schemas: `npm run schemas` writes them as JSON Schemas into
 * schemas/ (shipped with the package), and test/cli/json-schemas.test.ts checks real outputs against them
 * and the files against these definitions. Keys are snake_case throughout.
 */
import { z } from 'zod';
import { ERROR_CLASSES } from '../src/agents/types.js';
import { PROBE_STATUSES } from '../src/cli/doctor-probe.js';
import { ROLES } from '../src/config/names.js';
import { LANES } from '../src/feature/types.js';
import { RUN_STATUSES } from '../src/state/types.js';

const ids = z.array(z.string());
const int = z.number().int().nonnegative();
const lane = z.enum(LANES);
const role = z.enum(ROLES);
const tokens = z.strictObject({ input: z.number(), output: z.number() });

const plan = z.strictObject({
  feature: z.string(),
  work_packages: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      dependencies: ids,
      lane,
      subtasks: z.array(z.strictObject({ id: z.string(), title: z.string(), done: z.boolean() })),
    }),
  ),
  waves: z.array(ids).describe('topological levels: the WPs of a wave can run in parallel'),
  critical_path: ids.describe('the longest dependency chain, first WP first'),
});

const dryRun = plan.extend({
  agents: z
    .strictObject({ implementation: ids, review: ids })
    .describe('agents in the order each role tries'),
  concurrency: int,
});

const runView = z.strictObject({
  feature: z.string(),
  run_id: z.string(),
  /** `interrupted`: recorded as running, but its orchestrator is gone (status only). */
  status: z.enum([...RUN_STATUSES, 'interrupted']),
  elapsed_ms: z.number(),
  done: int,
  total: int,
  running: int,
  failed: int,
  blocked: int,
  cost_usd: z.number(),
  tokens,
  retries: int,
  fallbacks: int,
  message: z.string().nullable(),
  spend: z.string().nullable().optional().describe('spend against the spending limits, when the run has any'),
  rows: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      lane,
      agent: z.string().nullable(),
      implementer: z.string().nullable(),
      reviewer: z.string().nullable(),
      attempt: int,
      review_rounds: int,
      duration_ms: z.number().nullable(),
      cost_usd: z.number(),
      last_line: z.string().nullable(),
      last_error: z.string().nullable(),
    }),
  ),
  agents: z.array(
    z.strictObject({
      agent: z.string(),
      roles: z.array(role),
      attempts: int,
      succeeded: int,
      failed: int,
      interrupted: int,
      cost_usd: z.number(),
      tokens,
    }),
  ),
});

const probe = z.strictObject({ status: z.enum(PROBE_STATUSES), detail: z.string() });

const roleView = z.strictObject({
  argv: z.array(z.string()),
  /** Variables the invocation adds to the environment (claude's IS_SANDBOX=1), names as they are. */
  env: z.record(z.string(), z.string()),
  prompt_delivery: z.enum(['stdin', 'argument', 'file']).nullable(),
  error: z.string().optional(),
  probe: probe.optional(),
});

const doctor = z.strictObject({
  agents: z.array(
    z.strictObject({
      id: z.string(),
      installed: z.boolean(),
      built_in: z.boolean(),
      path: z.string().nullable(),
      version: z.string().nullable(),
      roles: z.strictObject({ implementation: roleView, review: roleView }),
      probe: probe.optional(),
    }),
  ),
});

const stamped = { seq: int, at: z.string() };
const wpEvent = { ...stamped, wp: z.string() };
const event = z.discriminatedUnion('type', [
  z.strictObject({
    ...stamped,
    type: z.literal('run_started'),
    run_id: z.string(),
    feature: z.string(),
    config_hash: z.string(),
    work_packages: z.array(z.strictObject({ id: z.string(), title: z.string(), dependencies: ids })),
  }),
  z.strictObject({ ...stamped, type: z.literal('run_resumed'), run_id: z.string() }),
  z.strictObject({ ...wpEvent, type: z.literal('lane_changed'), lane, reason: z.string().optional() }),
  z.strictObject({
    ...wpEvent,
    type: z.literal('attempt_started'),
    role,
    agent: z.string(),
    attempt: int,
    log_file: z.string(),
    head: z.string().optional().describe("the WP branch's commit when an implementation attempt started"),
  }),
  z.strictObject({
    ...wpEvent,
    type: z.literal('attempt_finished'),
    role,
    agent: z.string(),
    attempt: int,
    success: z.boolean(),
    summary: z.string(),
    error_class: z.enum(ERROR_CLASSES).optional(),
    exit_code: z.number().int().nullable(),
    duration_ms: z.number(),
    cost_usd: z.number().optional(),
    tokens: tokens.optional(),
  }),
  z.strictObject({
    ...wpEvent,
    type: z.literal('review_verdict'),
    agent: z.string(),
    verdict: z.enum(['approved', 'changes_requested']),
    summary: z.string(),
    findings: z.array(z.strictObject({ location: z.string().optional(), message: z.string() })),
  }),
  z.strictObject({
    ...wpEvent,
    type: z.literal('fallback'),
    role,
    from: z.string(),
    to: z.string(),
    reason: z.string(),
  }),
  z.strictObject({
    ...stamped,
    type: z.literal('agent_cooldown'),
    agent: z.string(),
    until: z.string(),
    reason: z.string(),
  }),
  z.strictObject({
    ...stamped,
    type: z.literal('budget_set'),
    budget: z.strictObject({
      max_usd: z.number().nullable(),
      max_usd_per_wp: z.number().nullable(),
      max_tokens: z.number().nullable(),
      max_tokens_per_wp: z.number().nullable(),
    }),
  }),
  z.strictObject({ ...wpEvent, type: z.literal('wp_failed'), reason: z.string() }),
  z.strictObject({ ...wpEvent, type: z.literal('wp_blocked'), by: z.string() }),
  z.strictObject({
    ...stamped,
    type: z.literal('run_finished'),
    status: z.enum(RUN_STATUSES).exclude(['running']),
    message: z.string(),
  }),
  z.strictObject({ type: z.literal('agent_line'), wp: z.string(), line: z.string() }),
  z.strictObject({ type: z.literal('message'), message: z.string() }),
  runView.extend({ type: z.literal('summary'), log_dir: z.string() }),
]);

/** Each output by the name of its schema file, `schemas/<name>.schema.json`. */
export const OUTPUT_SCHEMAS = {
  plan: plan.describe('`kitty-orchestrator plan --json`'),
  'dry-run': dryRun.describe('`kitty-orchestrator orchestrate --dry-run --json`'),
  status: runView.nullable().describe('`kitty-orchestrator status --json` (null: no run recorded)'),
  doctor: doctor.describe('`kitty-orchestrator doctor --json`'),
  events: event.describe(
    'one line of `kitty-orchestrator orchestrate --json` (and resume, demo): a state event, an agent line, a message, or the final summary',
  ),
} as const;

/** The JSON Schema document of one output. */
export function jsonSchema(name: keyof typeof OUTPUT_SCHEMAS): unknown {
  return {
    $id: `https://kitty-orchestrator.invalid/schemas/${name}.schema.json`,
    ...z.toJSONSchema(OUTPUT_SCHEMAS[name], { target: 'draft-2020-12' }),
  };
}
