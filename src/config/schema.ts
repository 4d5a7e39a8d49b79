import { z } from 'zod';
import { FALLBACK_STRATEGIES, ROLES } from './names.js';

export { FALLBACK_STRATEGIES, ROLES, type FallbackStrategy, type Role } from './names.js';

const agentId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'agent ids are lowercase words joined by hyphens');
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const positiveNumber = z.number().positive();

export const agentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  roles: z
    .array(z.enum(ROLES))
    .min(1, 'an agent needs at least one role')
    .default(['implementation', 'review']),
  /** 0-100; higher is preferred. */
  priority: z.number().int().min(0).max(100).default(50),
  max_concurrent: positiveInt.default(1),
  /** Wall-clock limit of one invocation. */
  timeout_seconds: positiveInt.default(1800),
  /** Kill the agent when it prints nothing for this long. */
  inactivity_timeout_seconds: positiveInt.default(300),
  /** Cap on one attempt's output in its log (and the live view); past it a note marks the cut. 20 MiB. */
  max_log_bytes: positiveInt.default(20 * 1024 * 1024),
  /** Longer output lines are cut with a note, so memory stays bounded without newlines. 64 Ki characters. */
  max_line_chars: positiveInt.default(64 * 1024),
  /**
   * Stop an attempt early as a network failure when, after this long, it has printed only reconnect notices
   * (or nothing, for CLIs that stream events): offline codex would otherwise run to the wall-clock limit.
   */
  network_wait_seconds: positiveInt.default(120),
  /** A different executable to run instead of the invoker's default binary name. */
  command: z.string().min(1).optional(),
  /** Extra arguments appended to the invoker's argv (e.g. a model choice). */
  extra_args: z.array(z.string()).default([]),
  /** Agent-specific settings (the sim agent reads its behaviour from here). */
  options: z.record(z.string(), z.unknown()).default({}),
});
export type AgentConfig = z.infer<typeof agentSchema>;

export const configSchema = z
  .strictObject({
    version: z.literal('1.0', { error: 'version must be "1.0"' }).default('1.0'),
    defaults: z
      .strictObject({
        implementation: z.array(agentId).default([]),
        review: z.array(agentId).default([]),
      })
      .default({ implementation: [], review: [] }),
    agents: z.record(agentId, agentSchema).default({}),
    fallback: z
      .strictObject({
        strategy: z.enum(FALLBACK_STRATEGIES).default('next_in_list'),
        /** Retries with the same agent before the fallback strategy applies. */
        max_retries: z.number().int().min(0).max(10).default(1),
        /** First retry delay; it doubles on each further retry, capped at 30 s. */
        backoff_seconds: z.number().min(0).max(30).default(2),
      })
      .default({ strategy: 'next_in_list', max_retries: 1, backoff_seconds: 2 }),
    single_agent_mode: z
      .strictObject({
        enabled: z.boolean().default(false),
        agent: agentId.nullable().default(null),
        /** Pause between implementing and reviewing with the same agent (fresh eyes, fresh rate-limit window). */
        delay_seconds: nonNegativeInt.default(60),
      })
      .default({ enabled: false, agent: null, delay_seconds: 60 }),
    global: z
      .strictObject({
        concurrency: positiveInt.max(100).default(5),
        /** Wall-clock limit of the whole run; 0 means none. */
        timeout_seconds: nonNegativeInt.default(0),
      })
      .default({ concurrency: 5, timeout_seconds: 0 }),
    review: z
      .strictObject({
        /** Review rounds before a WP whose reviews keep asking for changes is failed. */
        max_rounds: positiveInt.max(20).default(3),
      })
      .default({ max_rounds: 3 }),
    /**
     * Spending limits; null: none. At a limit no new agent invocation starts, running ones finish, and the run
     * pauses until resumed with a higher limit. Token limits count every token the agents report (for agents
     * that report no cost, such as codex and copilot).
     */
    budget: z
      .strictObject({
        max_usd: positiveNumber.nullable().default(null),
        max_usd_per_wp: positiveNumber.nullable().default(null),
        max_tokens: positiveInt.nullable().default(null),
        max_tokens_per_wp: positiveInt.nullable().default(null),
      })
      .default({ max_usd: null, max_usd_per_wp: null, max_tokens: null, max_tokens_per_wp: null }),
    /** A command run in the worktree after implementation (e.g. `npm test`); argv, never a shell string. */
    verify_command: z.array(z.string().min(1)).min(1).nullable().default(null),
    /** Base branch WPs without dependencies start from; null: the branch checked out when the run starts. */
    base_branch: z.string().min(1).nullable().default(null),
  })
  .superRefine((config, ctx) => {
    const known = new Set(Object.keys(config.agents));
    for (const role of ROLES) {
      config.defaults[role].forEach((id, index) => {
        if (!known.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['defaults', role, index],
            message: `agent "${id}" is not defined under agents`,
          });
        } else if (!config.agents[id]?.roles.includes(role)) {
          ctx.addIssue({
            code: 'custom',
            path: ['defaults', role, index],
            message: `agent "${id}" does not have the ${role} role`,
          });
        }
      });
    }
    const sam = config.single_agent_mode;
    if (sam.agent !== null && !known.has(sam.agent)) {
      ctx.addIssue({
        code: 'custom',
        path: ['single_agent_mode', 'agent'],
        message: `agent "${sam.agent}" is not defined under agents`,
      });
    }
    if (sam.enabled && sam.agent !== null && config.agents[sam.agent]?.roles.length !== 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['single_agent_mode', 'agent'],
        message: `single-agent mode needs "${sam.agent}" to have both roles`,
      });
    }
  });

/** The validated, defaulted configuration every other module receives. */
export type Config = z.infer<typeof configSchema>;
/** What a YAML file or an override may contain before validation. */
export type RawConfig = z.input<typeof configSchema>;
