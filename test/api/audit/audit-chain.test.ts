/**
 * The audit log is append-only and tamper-evident, on SQLite and PostgreSQL: the database
 * refuses UPDATE and DELETE of events; someone able to drop those triggers can still change
 * rows, but `verify` finds an altered or removed event (the hash chain) and the removal of the
 * newest events (the head checkpoint moved with every seal). On PostgreSQL events are appended
 * unsealed and sealed into the chain by the sealer (within a fraction of a second): the tests seal
 * before they play the attacker, as the sealer would have.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { usingPostgres } from '../../helpers/db.ts';
import { dropAuditGuards, installAuditGuards } from '../../../src/platform/db/migrations/0006-audit-head.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.world.tenant(); // a few events: tenant.created, billing_account.created ×2
  await t.services.audit.seal({ wait: true });
});
afterEach(() => t.close());

// The schema owner's connection: the triggers guard the log against it too (the app's role may
// not even try: it holds no UPDATE or DELETE privilege on the log, see rls.test.ts).
const db = () => t.testDb.owner.kysely;

/** Play an attacker with DDL rights: drop the guards, tamper, put the guards back. */
async function tamper(fn: () => Promise<unknown>) {
  await dropAuditGuards(db(), t.services.db.dialect);
  try {
    await fn();
  } finally {
    await installAuditGuards(db(), t.services.db.dialect);
  }
}

async function newest(n: number) {
  return db().selectFrom('audit_events').select(['seq', 'hash', 'details']).orderBy('seq', 'desc').limit(n).execute();
}

describe('the database keeps audit events append-only', () => {
  it('refuses UPDATE and DELETE of an event', async () => {
    const [e] = await newest(1);
    await expect(sql`update audit_events set details = ${'{"tampered":true}'} where seq = ${e.seq}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where seq = ${e.seq}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(db())).rejects.toThrow(/append-only/);
    if (usingPostgres) await expect(sql`truncate audit_events`.execute(db())).rejects.toThrow(/append-only/);
    const [after] = await newest(1);
    expect(after).toEqual(e);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses to delete the head or move it backwards', async () => {
    await expect(sql`delete from audit_head`.execute(db())).rejects.toThrow(/only moves forward/);
    await expect(sql`update audit_head set last_seq = 0`.execute(db())).rejects.toThrow(/only moves forward/);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('moves the head with every event sealed into the chain', async () => {
    const before = await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    await t.world.tenant();
    await t.services.audit.seal({ wait: true });
    const head = await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const [e] = await db().selectFrom('audit_events').select(['chain_seq', 'hash']).orderBy('chain_seq', 'desc').limit(1).execute();
    expect(Number(head.last_seq)).toBe(Number(e.chain_seq));
    expect(head.last_hash).toBe(e.hash);
    expect(Number(head.last_seq)).toBeGreaterThan(Number(before.last_seq));
  });
});

describe('verify', () => {
  it('passes on an intact log', async () => {
    const v = await t.services.audit.verify();
    expect(v).toEqual({ ok: true, checked: await t.services.audit.count() });
  });

  it('detects the newest events removed (the chain that is left still links up)', async () => {
    const [, second] = await newest(2);
    await tamper(() => sql`delete from audit_events where seq >= ${second.seq}`.execute(db()));
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/newest events were removed/);
  });

  it('detects the newest event replaced by a forged one', async () => {
    const [last] = await newest(1);
    await tamper(() => sql`update audit_events set hash = ${'f'.repeat(64)} where seq = ${last.seq}`.execute(db()));
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.brokenAtSeq).toBe(Number(last.seq));
  });

  it('detects an event altered in the middle', async () => {
    const [, , third] = await newest(3);
    await tamper(() => sql`update audit_events set details = ${'{"tampered":true}'} where seq = ${third.seq}`.execute(db()));
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.brokenAtSeq).toBe(Number(third.seq));
      expect(v.reason).toMatch(/altered/);
    }
  });

  it('detects an event removed from the middle', async () => {
    const [, second] = await newest(3);
    await tamper(() => sql`delete from audit_events where seq = ${second.seq}`.execute(db()));
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/removed or reordered/);
  });

  it('does not judge events appended while it runs', async () => {
    const running = t.services.audit.verify();
    await t.world.tenant();
    expect(await running).toMatchObject({ ok: true });
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });
});
