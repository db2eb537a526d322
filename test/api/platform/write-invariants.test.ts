/**
 * No global write lock (so writes grow with instances): every invariant the lock protected has its own guarantee, and
 * each is tested here with a forced interleaving on PostgreSQL. "Another writer" is a transaction
 * of the test's own, on its own connection: it makes the conflicting change and holds it open; the
 * service call starts, and — once PostgreSQL shows a backend waiting on a lock (or after a
 * bound, for a call that would not wait at all without its guarantee) — the other writer
 * commits. The call must then decide on what the other committed. Without the guarantee it
 * decides on the state it read before (the lost update, the second last admin removed, the
 * invitation used twice…), which each test would catch.
 * Always PostgreSQL, whatever DATABASE_URL says: SQLite has a single writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import type { Services } from '../../../src/app/services.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { testConfig } from '../../helpers/config.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { World } from '../../helpers/world.ts';

let database: TestDb;
let app: FastifyInstance;
let s: Services;
let world: World;
const ends = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

beforeAll(async () => {
  database = await createTestDb({ postgres: true });
  app = await buildApp({ config: testConfig({}, database.dataDir), db: database.db, redis: null, logger: false });
  await app.ready();
  s = app.services;
  world = new World(app);
}, 60_000);

afterAll(async () => {
  await app.close();
  await database.drop();
});

const owner = () => database.owner.kysely;

/** Is a backend of this database other than `pid` waiting on a lock? */
async function someoneWaits(pid: number): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> ${pid}`.execute(owner());
  return r.rows[0].n > 0;
}

/**
 * `other` runs in a transaction held open; `call` starts; once it waits on a lock (at most 3 s:
 * without its guarantee it may not wait at all), `other` commits; the call's outcome is returned.
 */
async function interleave<T>(other: (c: pg.Client) => Promise<unknown>, call: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  const c = new pg.Client({ connectionString: database.ownerUrl! });
  await c.connect();
  try {
    const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    await c.query('begin');
    await other(c);
    const outcome = call().then(
      (value) => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const,
    );
    for (let i = 0; i < 150 && !(await someoneWaits(pid)); i++) await new Promise((r) => setTimeout(r, 20));
    await c.query('commit');
    return await outcome;
  } finally {
    await c.end();
  }
}

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? ((r.reason as { code?: string }).code ?? String(r.reason)) : 'fulfilled');

describe('each invariant the global write lock protected keeps its own guarantee (forced interleavings)', () => {
  it('a delegation transition decides on the status another writer committed (row lock): an approval racing a revocation does not bring the link back', async () => {
    const tenant = await world.tenant();
    const partner = await world.partner();
    const d = await s.delegations.create(world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_SUPPORT', endsAt: ends(), justification: 'race' });
    const r = await interleave(
      (c) => c.query(`update delegations set status = 'revoked', revoked_at = $2, revoke_reason = 'other writer' where id = $1`, [d.id, new Date().toISOString()]),
      () => s.delegations.approve(systemContext('race', { type: 'user', userId: tenant.admin.id }), tenant.id, d.id),
    );
    expect(codeOf(r)).toBe('invalid_delegation_transition');
    const row = await owner().selectFrom('delegations').select('status').where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('revoked');
  });

  it('no delegation outlives its partner\'s termination (share lock on the partner): a link created while the partner is being terminated is refused', async () => {
    const tenant = await world.tenant();
    const partner = await world.partner();
    const r = await interleave(
      (c) => c.query(`update partners set status = 'terminated' where id = $1`, [partner.id]),
      () => s.delegations.create(world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_SUPPORT', endsAt: ends(), justification: 'race' }),
    );
    expect(codeOf(r)).toBe('partner_inactive');
    const open = await owner().selectFrom('delegations').select('id').where('partner_id', '=', partner.id).where('status', 'in', ['requested', 'active']).execute();
    expect(open).toEqual([]);
  });

  it('a tenant keeps an admin (its admin rows locked before counting): two admins demoted at once leave one', async () => {
    const tenant = await world.tenant();
    await s.tenants.changeMemberRole(world.ctx, tenant.id, tenant.user.id, 'TENANT_ADMIN');
    const r = await interleave(
      (c) => c.query(`update tenant_members set role = 'TENANT_USER' where tenant_id = $1 and user_id = $2`, [tenant.id, tenant.admin.id]),
      () => s.tenants.changeMemberRole(world.ctx, tenant.id, tenant.user.id, 'TENANT_USER'),
    );
    expect(codeOf(r)).toBe('last_tenant_admin');
    const admins = await owner().selectFrom('tenant_members').select('user_id').where('tenant_id', '=', tenant.id).where('role', '=', 'TENANT_ADMIN').execute();
    expect(admins.map((a) => a.user_id)).toEqual([tenant.user.id]);
  });

  it('a partner keeps an active owner (its owner rows locked before counting): two owners removed at once leave one', async () => {
    const partner = await world.partner();
    await s.partners.updateMember(world.ctx, partner.id, partner.staff.id, { role: 'PARTNER_OWNER' });
    const r = await interleave(
      (c) => c.query(`update partner_members set status = 'inactive' where partner_id = $1 and user_id = $2`, [partner.id, partner.owner.id]),
      () => s.partners.removeMember(world.ctx, partner.id, partner.staff.id),
    );
    expect(codeOf(r)).toBe('last_partner_owner');
    const owners = await owner().selectFrom('partner_members').select('user_id').where('partner_id', '=', partner.id).where('role', '=', 'PARTNER_OWNER').where('status', '=', 'active').execute();
    expect(owners.map((o) => o.user_id)).toEqual([partner.staff.id]);
  });

  it('an invitation is used once (row lock): accepted through its link while another acceptance commits, it is refused', async () => {
    const tenant = await world.tenant();
    const inv = await s.tenants.inviteMember(world.ctx, tenant.id, { email: `race-${randomBytes(4).toString('hex')}@example.test`, role: 'TENANT_USER' });
    const token = inv.url.split('/invite/')[1];
    const r = await interleave(
      (c) => c.query(`update invitations set accepted_at = $2 where id = $1`, [inv.id, new Date().toISOString()]),
      () => s.identity.acceptInvitation(systemContext('race'), token, 'Second', 'a long enough passphrase'),
    );
    expect(codeOf(r)).toBe('invitation_invalid');
    const members = await owner().selectFrom('users').select('id').where('email', '=', inv.email).execute();
    expect(members).toEqual([]);
  });

  it('a token revoked twice at once is recorded once (primary key, insert or nothing): the second revocation succeeds and writes nothing', async () => {
    const partner = await world.partner();
    const jti = `race-${randomBytes(6).toString('hex')}`;
    const exp = Math.floor(Date.now() / 1000) + 600;
    const r = await interleave(
      (c) => c.query(`insert into oauth_revoked_tokens (jti, client_id, expires_at, revoked_at) values ($1, 'app_race', $2, $3)`, [jti, new Date(exp * 1000).toISOString(), new Date().toISOString()]),
      () => s.oauth.revocations.revoke(systemContext('race'), { jti, clientId: 'app_race', partnerId: partner.id, tenantId: null, exp }),
    );
    expect(codeOf(r)).toBe('fulfilled');
    expect(await owner().selectFrom('oauth_revoked_tokens').select('jti').where('jti', '=', jti).execute()).toHaveLength(1);
    expect(await owner().selectFrom('audit_events').select('id').where('target_id', '=', jti).execute()).toEqual([]);
  });

  it('a spooled batch replayed by two instances at once is written once (unique event id, insert or nothing), and the chain verifies', async () => {
    const id = `evt_race${randomBytes(6).toString('hex')}`;
    const at = new Date();
    const r = await interleave(
      (c) =>
        c.query(`insert into audit_events (id, occurred_at, actor_type, action, outcome, details) values ($1, $2, 'system', 'test.replayed', 'success', '{}')`, [id, at.toISOString()]),
      () => s.audit.recordMissing([{ id, ctx: systemContext('replay'), entry: { action: 'test.replayed' }, at }]),
    );
    expect(r).toEqual({ status: 'fulfilled', value: 0 });
    expect(await owner().selectFrom('audit_events').select('id').where('id', '=', id).execute()).toHaveLength(1);
    expect(await s.audit.verify()).toMatchObject({ ok: true });
  });

  it('the audit chain has one sealer at a time (advisory try-lock): sealers racing each other and the writers leave one chain that verifies', async () => {
    const tenant = await world.tenant();
    const writes = Array.from({ length: 40 }, (_, i) => s.tenants.updateBillingAccount(world.ctx, tenant.id, tenant.bans[0].id, { name: `Sealed ${i}` }));
    const seals = Array.from({ length: 8 }, () => s.audit.seal());
    await Promise.all([...writes, ...seals]);
    const v = await s.audit.verify();
    expect(v).toEqual({ ok: true, checked: await s.audit.count() });
    const unsealed = await owner().selectFrom('audit_events').select('id').where('chain_seq', 'is', null).execute();
    expect(unsealed).toEqual([]);
  }, 90_000); // 40 writes and 8 sealers: 7 s alone at load average 40, more during a whole suite

  it('the guard lets the sealer set an event\'s chain position once, and nothing else', async () => {
    // the app's own sealer (every 200 ms) would seal the event before the forgery is tried on a busy machine: this test seals
    await s.audit.stopSealer();
    const tenant = await world.tenant();
    await s.tenants.updateBillingAccount(world.ctx, tenant.id, tenant.bans[0].id, { name: 'Unsealed' });
    const [e] = await owner().selectFrom('audit_events').select(['seq']).where('chain_seq', 'is', null).orderBy('seq', 'desc').limit(1).execute();
    expect(e).toBeDefined();
    // sealing and changing the content in one update: refused
    await expect(sql`update audit_events set chain_seq = 999999, prev_hash = ${'0'.repeat(64)}, hash = ${'1'.repeat(64)}, details = '{"forged":true}' where seq = ${e.seq}`.execute(owner())).rejects.toThrow(/append-only/);
    await s.audit.seal({ wait: true });
    // a sealed event cannot be sealed again
    await expect(sql`update audit_events set chain_seq = 999999, prev_hash = ${'0'.repeat(64)}, hash = ${'1'.repeat(64)} where seq = ${e.seq}`.execute(owner())).rejects.toThrow(/append-only/);
    expect(await s.audit.verify()).toMatchObject({ ok: true });
  });
});
