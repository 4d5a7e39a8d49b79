import type { Config, Role } from '../config/schema.js';
import { canEverServe, selectAgent } from '../scheduler/select-agent.js';
import type { AgentHealth } from '../scheduler/types.js';
import type { Clock } from './types.js';

export interface Lease {
  agent: string;
  /** Single-agent mode: wait this long before reviewing one's own work. */
  singleAgentDelayMs: number;
}

/**
 * The run's agents: their health (failures, cool-downs, disabled after an auth failure) and how many
 * invocations each has in flight. Selection itself is the scheduler's pure `selectAgent`.
 */
export class AgentPool {
  readonly health = new Map<string, AgentHealth>();
  readonly #running = new Map<string, number>();
  #waiters: (() => void)[] = [];

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
  ) {
    for (const id of Object.keys(config.agents)) {
      this.health.set(id, {
        consecutiveFailures: 0,
        lastSuccess: null,
        cooldownUntil: null,
        disabled: false,
      });
    }
  }

  /** The health map with `exclude` treated as disabled, so the pure selectors honour it. */
  #view(exclude: readonly string[]): Map<string, AgentHealth> {
    const view = new Map(this.health);
    for (const id of exclude) {
      const h = view.get(id);
      if (h) view.set(id, { ...h, disabled: true });
    }
    return view;
  }

  /** Take a slot on the best agent for `role` now, or null when every candidate is busy or cooling down. */
  tryAcquire(role: Role, exclude: readonly string[], implementer?: string): Lease | null {
    const lease = selectAgent({
      role,
      config: this.config,
      health: this.#view(exclude),
      runningByAgent: this.#running,
      exclude: [...exclude],
      ...(implementer === undefined ? {} : { implementer }),
      now: this.clock.now(),
    });
    if (lease) this.#running.set(lease.agent, (this.#running.get(lease.agent) ?? 0) + 1);
    return lease;
  }

  /** Take a slot on exactly `agent` (a retry with the same agent), or null when it is busy or cooling down. */
  tryAcquireAgent(agent: string): Lease | null {
    const h = this.health.get(agent);
    const limit = this.config.agents[agent]?.max_concurrent ?? 0;
    const cooling = h?.cooldownUntil ? Date.parse(h.cooldownUntil) > this.clock.now().getTime() : false;
    if (!h || h.disabled || cooling || this.runningCount(agent) >= limit) return null;
    this.#running.set(agent, this.runningCount(agent) + 1);
    return { agent, singleAgentDelayMs: 0 };
  }

  /** Whether some agent not in `exclude` could ever take `role` (busy or cooling down counts as "could"). */
  canServe(role: Role, exclude: readonly string[]): boolean {
    return canEverServe(role, this.config, this.#view(exclude));
  }

  release(agent: string): void {
    this.#running.set(agent, Math.max(0, (this.#running.get(agent) ?? 0) - 1));
    this.#notify();
  }

  runningCount(agent: string): number {
    return this.#running.get(agent) ?? 0;
  }

  succeeded(agent: string): void {
    this.#update(agent, { consecutiveFailures: 0, lastSuccess: this.clock.now().toISOString() });
  }

  failed(agent: string): void {
    const h = this.health.get(agent);
    this.#update(agent, { consecutiveFailures: (h?.consecutiveFailures ?? 0) + 1 });
  }

  disable(agent: string): void {
    this.#update(agent, { disabled: true });
  }

  coolDown(agent: string, until: Date): void {
    this.#update(agent, { cooldownUntil: until.toISOString() });
  }

  #update(agent: string, patch: Partial<AgentHealth>): void {
    const h = this.health.get(agent);
    if (h) this.health.set(agent, { ...h, ...patch });
    this.#notify();
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next release or health change, when the next cool-down ends, or on abort. */
  async changed(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now().getTime();
    const cooldownEnds = [...this.health.values()]
      .map((h) => (h.cooldownUntil ? Date.parse(h.cooldownUntil) - now : Infinity))
      .filter((ms) => ms > 0 && ms !== Infinity);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        ...(cooldownEnds.length ? [this.clock.sleep(Math.min(...cooldownEnds) + 5, controller.signal)] : []),
        ...(signal
          ? [new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()))]
          : []),
      ]);
    } finally {
      controller.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
