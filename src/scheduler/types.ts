/**
 * What the run knows about one agent's recent behaviour; the scheduler reads it, the engine's agent pool
 * keeps it. An agent missing from the health map is healthy.
 */
export interface AgentHealth {
  /** Failed invocations in a row; reset by a success. */
  consecutiveFailures: number;
  /** ISO time of the last successful invocation. */
  lastSuccess: string | null;
  /** ISO time before which the agent is not offered work (a rate limit's reset time, say). */
  cooldownUntil: string | null;
  /** Never offer work again this run (an auth failure, or excluded by the engine). */
  disabled: boolean;
}

/** The agent chosen for one invocation. */
export interface AgentChoice {
  agent: string;
  /** Wait this long before starting: an agent reviewing its own work first gets a pause. 0 otherwise. */
  singleAgentDelayMs: number;
}
