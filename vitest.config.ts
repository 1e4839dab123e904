import { defineConfig } from 'vitest/config';

/**
 * The suites, as projects. `npm run test:fast` runs `fast` alone (a developer's loop: no
 * pseudo-terminals, no child processes of the whole app, no browser); `npm test` runs them all,
 * as CI does.
 */

/** Tests over real pseudo-terminals or outside programs (socat, prometheus, a simulated fresh machine). */
const SLOW_UNITS = ['test/**/*.pty.test.ts', 'test/service/observability/prometheus.test.ts', 'test/scripts/setup-script.test.ts'];

/** The unit, property and renderer tests of every layer, folder for folder as the source. */
const FAST = ['test/native/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/ipc/**/*.test.ts', 'test/service/**/*.test.ts', 'test/renderer/**/*.test.ts', 'test/scripts/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests own pseudo-terminals and child processes; two cores only.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'fast', include: FAST, exclude: SLOW_UNITS } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...SLOW_UNITS, 'test/bridge/**/*.test.ts', 'test/shell/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/packaging/**/*.test.ts'],
        },
      },
      // The end-to-end UI tests drive the built UI: build it once per run.
      { extends: true, test: { name: 'e2e-ui', include: ['test/e2e-ui/**/*.test.ts'], globalSetup: ['test/e2e-ui/global-setup.ts'] } },
      { extends: true, test: { name: 'crash', include: ['test/crash/**/*.test.ts', 'test/chaos/**/*.test.ts'] } },
      { extends: true, test: { name: 'bench', include: ['test/bench/**/*.test.ts'] } },
    ],
  },
});
