import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end UI tests drive the built UI: build it once per run.
    globalSetup: ['test/e2e-ui/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests own pseudo-terminals and child processes; two cores only.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
