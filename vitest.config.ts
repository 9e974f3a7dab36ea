import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each test file gets its own SQLite directory or PostgreSQL schema, so files run in parallel.
    pool: 'forks',
    maxWorkers: 2,
  },
});
