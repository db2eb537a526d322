/**
 * Setup of every browser spec (vitest.config.ts, project e2e): when a test fails, each page still
 * open is photographed and its recent requests are printed (reportFailedTest), so a failure in CI
 * can be read from its log without running it again.
 */
import { beforeEach } from 'vitest';
import { reportFailedTest } from './portal.ts';

beforeEach((ctx) => {
  ctx.onTestFailed(() => reportFailedTest(ctx.task.name));
});
