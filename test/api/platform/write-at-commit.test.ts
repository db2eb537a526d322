/**
 * A write's audit row, its domain event and its change-feed row travel with the COMMIT message on
 * PostgreSQL (and BEGIN with the first statement): the write is kept with all of them or not at all.
 * An audit insert the database refuses (a check the schema owner adds for the test, as a full disk
 * or a broken constraint would) leaves the change unwritten — no renamed account, no event, no
 * change delivered — and the next write on the same connection goes through. On SQLite the rows
 * are inserted in place: the same outcome. Reads sent together, a write sent with the statement
 * after it and an answer read with the COMMIT keep the same terms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { enterDbContext, lockRows, mutate, readTogether, readWithCommit, writeSoon } from '../../../src/platform/db/database.ts';
import { tenantContext, withDbContext } from '../../../src/platform/db/db-context.ts';
import { testConfig } from '../../helpers/config.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { World } from '../../helpers/world.ts';

let database: TestDb;
let app: FastifyInstance;
let world: World;

beforeAll(async () => {
  // one connection: the write after the refused one runs on the connection the refusal left
  database = await createTestDb({ poolSize: 1 });
  app = await buildApp({ config: testConfig({}, database.dataDir), db: database.db, redis: null, logger: false });
  await app.ready();
  world = new World(app);
  // the audit log refuses one action, as the database would refuse any insert
  if (database.db.dialect === 'postgres') await sql`alter table audit_events add constraint refuse_test_action check (details not like '%refuse me%') not valid`.execute(database.owner.kysely);
  else await sql`create trigger refuse_test_action before insert on audit_events when new.details like '%refuse me%' begin select raise(abort, 'refused'); end`.execute(database.owner.kysely);
}, 60_000);

afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('a write and its audit row are one', () => {
  it('a refused audit insert leaves no half-written change, and the next write goes through', async () => {
    const t = await world.tenant({ bans: 1 });
    const ban = t.bans[0].id;
    const s = app.services;
    const ctx = systemContext('write-at-commit');
    const changes = async () => (await s.db.kysely.selectFrom('change_events').select('id').where('entity_id', '=', ban).execute()).length;
    const events = async () => (await s.db.kysely.selectFrom('audit_events').select('id').where('target_id', '=', ban).execute()).length;
    const [changesBefore, eventsBefore] = [await changes(), await events()];

    await expect(s.tenants.updateBillingAccount(ctx, t.id, ban, { name: 'refuse me' })).rejects.toThrow();
    const [row] = await s.tenants.listBillingAccounts(t.id);
    expect(row.name).toBe('Account 1');
    expect(await changes()).toBe(changesBefore);
    expect(await events()).toBe(eventsBefore);
    // the same (only) connection: no transaction left open, the next write is kept with its record
    const after = await s.tenants.updateBillingAccount(ctx, t.id, ban, { name: 'Kept' });
    expect(after.name).toBe('Kept');
    expect((await s.tenants.listBillingAccounts(t.id))[0].name).toBe('Kept');
    expect(await changes()).toBe(changesBefore + 1);
    expect(await events()).toBe(eventsBefore + 1);
  });
});

describe('a row carried by the COMMIT is written as it was made', () => {
  const auditOf = async (targetId: string) => (await app.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id']).where('target_id', '=', targetId).where('action', '=', 'billing_account.updated').execute());

  it("is written under the context it was made in, though the transaction has moved to another tenant's since", async () => {
    const [a, b] = [await world.tenant({ bans: 1 }), await world.tenant({ bans: 1 })];
    const s = app.services;
    const ctx = systemContext('write-at-commit');
    await withDbContext(tenantContext(a.id), () =>
      mutate(s.db, async (trx) => {
        await s.audit.record(trx, ctx, { action: 'billing_account.updated', tenantId: a.id, targetType: 'billing_account', targetId: a.bans[0].id, details: { changes: { name: 'context test' } } });
        // the same transaction goes on for another tenant (as a provisioning step does): the row above stays tenant A's
        await enterDbContext(s.db, trx, tenantContext(b.id));
        await s.audit.record(trx, ctx, { action: 'billing_account.updated', tenantId: b.id, targetType: 'billing_account', targetId: b.bans[0].id, details: { changes: { name: 'context test' } } });
      }),
    );
    expect(await auditOf(a.bans[0].id)).toEqual([{ action: 'billing_account.updated', tenant_id: a.id }]);
    expect(await auditOf(b.bans[0].id)).toEqual([{ action: 'billing_account.updated', tenant_id: b.id }]);
  });

  it('is dropped with a savepoint rolled back, and kept with one released', async () => {
    const t = await world.tenant({ bans: 2 });
    const [undone, kept] = [t.bans[0].id, t.bans[1].id];
    const s = app.services;
    const ctx = systemContext('write-at-commit');
    const entry = (id: string) => ({ action: 'billing_account.updated', tenantId: t.id, targetType: 'billing_account', targetId: id, details: { changes: { name: 'savepoint test' } } });
    await mutate(s.db, async (trx) => {
      await sql.raw('savepoint line_1').execute(trx);
      await s.audit.record(trx, ctx, entry(undone));
      await sql.raw('rollback to savepoint line_1').execute(trx);
      await sql.raw('release savepoint line_1').execute(trx);
      await sql.raw('savepoint line_2').execute(trx);
      await s.audit.record(trx, ctx, entry(kept));
      await sql.raw('release savepoint line_2').execute(trx);
    });
    expect(await auditOf(undone)).toEqual([]);
    expect(await auditOf(kept)).toHaveLength(1);
  });
});

describe('reads and writes that travel together', () => {
  const nameOf = (trx: Parameters<Parameters<typeof mutate>[1]>[0], ban: string) => trx.selectFrom('billing_accounts').select('name').where('id', '=', ban);

  it('an answer read with the COMMIT is given only when the COMMIT is kept', async () => {
    const t = await world.tenant({ bans: 1 });
    const ban = t.bans[0].id;
    const s = app.services;
    const ctx = systemContext('write-at-commit');
    const write = (name: string) =>
      mutate(s.db, async (trx) => {
        await trx.updateTable('billing_accounts').set({ name }).where('id', '=', ban).execute();
        await s.audit.record(trx, ctx, { action: 'billing_account.updated', tenantId: t.id, targetType: 'billing_account', targetId: ban, details: { changes: { name } } });
        return readWithCommit(trx, nameOf(trx, ban));
      });
    await expect(write('refuse me')).rejects.toThrow();
    const kept = await write('Answered');
    expect(await kept.rows).toEqual([{ name: 'Answered' }]);
  });

  it('reads sent together, behind a lock, are each answered with their own rows', async () => {
    const [a, b] = [await world.tenant({ bans: 1 }), await world.tenant({ bans: 1 })];
    const s = app.services;
    const [ra, rb] = await mutate(s.db, async (trx) => {
      await lockRows(s.db, trx, 'billing_accounts', { id: a.bans[0].id }, 'share');
      return readTogether(trx, [nameOf(trx, a.bans[0].id), nameOf(trx, 'ban_none'), nameOf(trx, b.bans[0].id)] as const).then(([x, none, y]) => {
        expect(none).toEqual([]);
        return [x, y];
      });
    });
    expect([ra, rb]).toEqual([[{ name: 'Account 1' }], [{ name: 'Account 1' }]]);
  });

  it('a write sent ahead that is refused fails its transaction with its own error; in a savepoint it fails at once', async () => {
    const [a, b] = [await world.tenant({ bans: 1 }), await world.tenant({ bans: 1 })];
    const s = app.services;
    // b's slug taken by a: a unique index refuses it
    const clash = (trx: Parameters<Parameters<typeof mutate>[1]>[0]) => trx.updateTable('tenants').set({ slug: b.slug }).where('id', '=', a.id);
    const refused = mutate(s.db, async (trx) => {
      await trx.updateTable('billing_accounts').set({ name: 'not kept' }).where('id', '=', a.bans[0].id).execute();
      await writeSoon(trx, clash(trx));
      await nameOf(trx, a.bans[0].id).execute();
    });
    await expect(refused).rejects.toMatchObject(s.db.dialect === 'postgres' ? { code: '23505' } : { message: expect.stringMatching(/UNIQUE/) });
    expect(await nameOf(s.db.kysely as never, a.bans[0].id).execute()).toEqual([{ name: 'Account 1' }]);
    // a line's savepoint: the refusal is the write's own, so the line alone is undone and the rest kept
    await mutate(s.db, async (trx) => {
      await sql.raw('savepoint line_1').execute(trx);
      await expect(writeSoon(trx, clash(trx))).rejects.toThrow();
      await sql.raw('rollback to savepoint line_1').execute(trx);
      await trx.updateTable('billing_accounts').set({ name: 'kept' }).where('id', '=', a.bans[0].id).execute();
    });
    expect(await nameOf(s.db.kysely as never, a.bans[0].id).execute()).toEqual([{ name: 'kept' }]);
  });
});
