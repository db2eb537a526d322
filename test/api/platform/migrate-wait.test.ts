/**
 * `partnergate migrate --wait SECONDS`: the compose file's migrate step waits for PostgreSQL itself,
 * so nothing has to wait on a container health check (podman runs none without systemd). Here the
 * database server is down when the command starts and comes up while it waits; without --wait the
 * same command fails at once, naming the setting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.ts';
import { runCliAsync } from '../../helpers/server-process.ts';

let own: OwnPostgres | null = null;
const dataDir = mkdtempSync(path.join(tmpdir(), 'migrate-wait-'));
afterAll(async () => {
  await own?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('migrate --wait', () => {
  it('waits for a database that is still starting, and migrates it', { timeout: 240_000 }, async () => {
    own = await startOwnPostgres();
    const env = { DATABASE_URL: await own.createDatabase('partnergate'), DATA_DIR: dataDir };
    await own.stop();

    const refused = await runCliAsync(['migrate'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^partnergate: .*cannot reach PostgreSQL at DATABASE_URL/);

    const waiting = runCliAsync(['migrate', '--wait', '120'], env);
    await own.start();
    const r = await waiting;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^applied: 0001-foundation/);

    expect((await runCliAsync(['migrate', '--wait', 'soon'], env)).code).toBe(2);
  });
});
