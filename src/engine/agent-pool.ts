import type { Config, Role } from '../config/schema.js';
import { canEverServe, candidatesFor, selectAgent } from '../scheduler/select-agent.js';
import type { AgentHealth } from '../scheduler/types.js';
import type { Clock } from './types.js';

export interface Lease {
  agent: string;
  /** Single-agent mode: wait this long before reviewing one's own work. */
  singleAgentDelayMs: number;
}

/** What a job of an in-flight WP asks for: a slot on `agent` exactly (a retry), or on the best one for `role`. */
export interface LeaseRequest {
  role: Role;
  exclude: readonly string[];
  implementer?: string | undefined;
  agent?: string | undefined;
}

/** A job waiting in `acquire`; `lease` is set when a freed slot was handed to it. */
interface QueuedRequest {
  request: LeaseRequest;
  lease: Lease | null;
}

/**
 * The run's agents: their health (failures, cool-downs, disabled after an auth failure) and how many
 * invocations each has in flight. Selection itself is the scheduler's pure `selectAgent`.
 *
 * Jobs of WPs already under way (reviews, reworks, retries) wait in `acquire`, and a freed slot is handed to
 * them at once, before the scheduler hears of it: a WP in flight finishes before a new one takes its agent.
 */
export class AgentPool {
  readonly health = new Map<string, AgentHealth>();
  readonly #running = new Map<string, number>();
  #waiters: (() => void)[] = [];
  #queue: QueuedRequest[] = [];

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

  /**
   * Wait for a slot for an in-flight WP's job (first come, first served, ahead of new WPs); null on abort or
   * when no agent can ever serve the request.
   */
  async acquire(request: LeaseRequest, signal: AbortSignal): Promise<Lease | null> {
    const queued: QueuedRequest = { request, lease: null };
    for (;;) {
      if (signal.aborted) return null;
      const lease = this.#take(request);
      if (lease) return lease;
      if (request.agent === undefined && !this.canServe(request.role, request.exclude)) return null;
      this.#queue.push(queued);
      try {
        await this.changed(signal);
      } finally {
        this.#queue = this.#queue.filter((entry) => entry !== queued);
      }
      if (queued.lease && signal.aborted) this.release(queued.lease.agent);
      else if (queued.lease) return queued.lease;
    }
  }

  #take(request: LeaseRequest): Lease | null {
    return request.agent === undefined
      ? this.tryAcquire(request.role, request.exclude, request.implementer)
      : this.tryAcquireAgent(request.agent);
  }

  /**
   * Whether `agent` would review its own implementation: no other agent can ever review (single-agent mode).
   * Its implementation slot is then kept for the review, so a new WP cannot take it in between.
   */
  reviewsOwnWork(agent: string): boolean {
    const reviewers = candidatesFor('review', this.config, this.health);
    return reviewers.length > 0 && reviewers.every((id) => id === agent);
  }

  /** The slot an implementation kept, turned into its review's lease (with the single-agent delay). */
  reviewLease(kept: Lease): Lease {
    return { agent: kept.agent, singleAgentDelayMs: this.config.single_agent_mode.delay_seconds * 1000 };
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
    for (const queued of this.#queue) queued.lease ??= this.#take(queued.request);
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
