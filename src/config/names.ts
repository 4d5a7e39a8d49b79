// Plain lists the CLI's flag definitions need without loading the schema (and zod) at start-up.

/** The roles an agent can play on a WP. */
export const ROLES = ['implementation', 'review'] as const;
export type Role = (typeof ROLES)[number];

export const FALLBACK_STRATEGIES = ['next_in_list', 'same_agent', 'fail'] as const;
export type FallbackStrategy = (typeof FALLBACK_STRATEGIES)[number];
