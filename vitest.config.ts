import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests own pseudo-terminals and child processes; two cores only.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
