import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'data/**'],
    // Guards against hangs, not speed bounds (those live in `npm run bench`): generous, so a busy 2-core
    // machine (stress-ng beside the suite) does not turn slow starts into failures.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests start real servers; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
