import Bottleneck from 'bottleneck';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';

/**
 * Throttling settings for tests: the plugin's real retry logic, without GitHub's one-write-a-second (three for
 * notifying writes) spacing and with a `retry-after` of 1 worth 20 ms, so tests take milliseconds, not seconds.
 */
export function fastThrottle(): Partial<ThrottlingOptions> {
  return {
    retryAfterBaseValue: 20,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
  };
}
