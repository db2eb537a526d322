import { defineConfig } from 'vitest/config';
import { SAME_ON_EVERY_DATABASE } from './test/helpers/same-on-every-database.ts';

/**
 * Three projects, one run: `npm test` runs them all, `npx vitest run --project unit` (npm run test:unit)
 * only the pure tests, which need no database, Redis or browser and take seconds.
 *   unit — src/**\/*.test.ts and web/src/**\/*.test.ts, next to the code they test
 *   api  — test/api/** (an app, a database, Redis) and the packages' own tests
 *   e2e  — test/e2e/** (the built portal in Chromium)
 * The pool settings below are the root's and hold for the whole run: two workers in all, not per project.
 */
const EXCLUDE = ['node_modules/**', 'web/dist/**', 'web/node_modules/**', 'packages/*/node_modules/**'];

export default defineConfig({
  test: {
    // web/: only its pure unit tests (web/src/**/*.test.ts) run here; the portal's pages are tested in the browser
    exclude: EXCLUDE,
    // Generous: a test that spawns the CLI or a second server takes 40–55 s when the machine's load
    // average is 15 on two cores; the limits are for a hang, not for speed.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Each file builds its own database; two cores → two workers.
    pool: 'forks',
    maxWorkers: 2,
    // A worker imports the app's module graph once, not once per file (measured: 99 s of the
    // suite's import time → 8 s, ~1 min off each run). Safe because no file keeps state in
    // modules: each builds its own app, database and Redis key space, and closes them.
    isolate: false,
    fileParallelism: true,
    // names the run and drops its PostgreSQL databases at the end (test/helpers/db-template.ts: migrated templates)
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
    // No test may silently skip: `.only` fails the run too.
    allowOnly: false,
    passWithNoTests: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/api/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          // CI's second run (PostgreSQL + Redis) leaves out what its first run did the same way (test/helpers/same-on-every-database.ts)
          exclude: process.env.TEST_RUN_ON_SECOND_DATABASE === '1' ? [...EXCLUDE, ...SAME_ON_EVERY_DATABASE] : EXCLUDE,
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], setupFiles: ['test/e2e/helpers/setup.ts'] } },
    ],
  },
});
