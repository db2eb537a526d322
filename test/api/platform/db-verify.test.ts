/**
 * `partnergate db verify` fails, naming the check, on what a bad restore looks like: a migration of
 * this release missing, an audit event altered, a tenant table whose row-level security was switched
 * off (PostgreSQL). Its passing side runs in the restore drill and the upgrade test. Run in this
 * process by main(), as src/main.ts runs it, on this suite's database.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/cli.ts';
import { dropAuditGuards, installAuditGuards } from '../../../src/platform/db/migrations/0006-audit-head.ts';
import { AuditLog } from '../../../src/modules/audit/index.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { TEST_SECRET } from '../../helpers/config.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  const log = new AuditLog(db.db, systemClock);
  for (const action of ['tenant.created', 'tenant.updated', 'tenant.updated']) {
    await db.db.kysely.transaction().execute((trx) => log.record(trx, systemContext('db-verify-test'), { action, targetType: 'tenant', targetId: 'tnt_x' }));
  }
});
afterAll(() => db.drop());

type Check = { check: string; ok: boolean; detail: string };
async function verify(): Promise<{ code: number; checks: Check[] }> {
  let out = '';
  const env = { SECRET_KEY: TEST_SECRET, DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl ?? undefined };
  const code = await main(['db', 'verify', '--json'], { env, out: { write: (s: string) => (out += s) }, err: { write: () => true } });
  return { code, checks: (JSON.parse(out) as { checks: Check[] }).checks };
}
const failing = (checks: Check[]) => checks.filter((c) => !c.ok).map((c) => c.check);

describe('partnergate db verify', () => {
  it('passes on an intact database, then names each check a damaged one fails', async () => {
    const intact = await verify();
    expect([intact.code, failing(intact.checks)]).toEqual([0, []]);
    expect(intact.checks.map((c) => c.check)).toEqual(['schema', 'row_level_security', 'audit_chain', 'decision_snapshot']);

    await sql`delete from schema_migrations where name = '0073-migration-phases'`.execute(db.owner.kysely);
    const behind = await verify();
    expect([behind.code, failing(behind.checks)]).toEqual([1, ['schema']]);
    expect(behind.checks[0].detail).toBe('migrations pending: 0073-migration-phases (run `partnergate migrate`)');
    await sql`insert into schema_migrations (name, timestamp) values ('0073-migration-phases', ${new Date().toISOString()})`.execute(db.owner.kysely);

    await dropAuditGuards(db.owner.kysely, db.owner.dialect);
    await sql`update audit_events set action = 'tenant.deleted' where seq = (select max(seq) from audit_events)`.execute(db.owner.kysely);
    await installAuditGuards(db.owner.kysely, db.owner.dialect);
    const tampered = await verify();
    expect([tampered.code, failing(tampered.checks)]).toEqual([1, ['audit_chain']]);
    expect(tampered.checks[2].detail).toMatch(/^BROKEN at seq \d+: /);

    if (db.owner.dialect === 'postgres') {
      await sql`alter table billing_accounts no force row level security`.execute(db.owner.kysely);
      const unwalled = await verify();
      expect(failing(unwalled.checks)).toEqual(['row_level_security', 'audit_chain']);
      expect(unwalled.checks[1].detail).toMatch(/billing_accounts/);
      await sql`alter table billing_accounts force row level security`.execute(db.owner.kysely);
    }
  });
});
