import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Integration tests spawn real git and agent processes: keep the 2-core machine from thrashing.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
