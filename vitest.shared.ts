import { defineConfig } from 'vitest/config';

/** Shared vitest settings of every package: co-located tests, a JSON report read by scripts/test-summary.mjs. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
