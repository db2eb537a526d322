import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'web/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file builds its own database; two cores → two workers.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: process.env.CI ? ['default'] : ['default'],
    // No test may silently skip: `.only` fails the run too.
    allowOnly: false,
    passWithNoTests: false,
  },
});
