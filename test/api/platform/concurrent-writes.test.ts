/**
 * No global write lock (so writes grow with instances), PostgreSQL: two instances (two apps, two connection pools,
 * two change feeds fanned out through Redis) on one database, writing at once.
 *  - 10,000 mixed mutations (link requests and their revocations, token revocations, account
 *    renames, partner profile changes, audit-only events) from 16 concurrent writers: afterwards
 *    every change-feed consumer on every instance has been handed every change exactly once by
 *    its drains (compared with change_events), but for the rows its drains skipped because the
 *    writer's own instance had handed them over from their COMMIT, before the writer answered; the revocation index of each instance holds every revoked
 *    token in the database, `audit verify` passes over every event, and no partner has two open
 *    links to a tenant.
 *  - A transaction that commits late — held open while later ones commit and are delivered — is
 *    still delivered to every instance, once.
 * Always PostgreSQL, whatever DATABASE_URL says: SQLite has one writer, nothing interleaves there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { openDatabase, mutate, type Db } from '../../../src/platform/db/database.ts';
import { SYSTEM_CONTEXT } from '../../../src/platform/db/db-context.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { World, type TestPartner, type TestTenant } from '../../helpers/world.ts';

const TOTAL = 10_000;
const WRITERS = 16;

let database: TestDb;
let db2: Db;
const apps: FastifyInstance[] = [];
/** per instance: how many times its drains handed its consumer each change-event id */
const seen: Map<number, number>[] = [new Map(), new Map()];
/** per instance: changes handed over by the writer's own instance from its COMMIT (id 0), read again by a drain */
const handedOver = [0, 0];
/** per instance: deliveries by entity id (for the late commit) */
const seenEntity: Map<string, number>[] = [new Map(), new Map()];
let world: World;
const tenants: TestTenant[] = [];
const partners: TestPartner[] = [];

beforeAll(async () => {
  database = await createTestDb({ postgres: true, poolSize: 8 });
  const prefix = `pgt:${process.pid}-${Date.now()}-cw:`;
  const config = testConfig({ REDIS_URL, REDIS_KEY_PREFIX: prefix, CHANGE_FEED_POLL_MS: '200' }, database.dataDir);
  db2 = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 8, ambientContext: SYSTEM_CONTEXT });
  for (const db of [database.db, db2]) {
    const app = await buildApp({ config, db, redis: redisFactory(REDIS_URL), logger: false });
    await app.ready();
    apps.push(app);
  }
  for (const [i, app] of apps.entries()) {
    app.services.feed.subscribe((batch) => {
      for (const e of batch) {
        if (e.id === 0) {
          handedOver[i]++;
          continue;
        }
        seen[i].set(e.id, (seen[i].get(e.id) ?? 0) + 1);
        seenEntity[i].set(e.entityId, (seenEntity[i].get(e.entityId) ?? 0) + 1);
      }
    });
  }
  world = new World(apps[0]);
  for (let i = 0; i < 4; i++) tenants.push(await world.tenant({ bans: 1 }));
  for (let i = 0; i < 4; i++) partners.push(await world.partner({ capabilities: ['managed_services'] }));
}, 120_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await database.drop();
  await db2?.close().catch(() => {});
});

/** Both instances have read everything committed so far. */
async function settle() {
  for (const app of apps) await app.services.feed.drain();
}

describe('writers on two instances, no global lock', () => {
  it('10,000 mixed mutations: every change applied exactly once on every instance, the audit chain verifies, no invariant broken', async () => {
    await settle();
    const skippedBefore = apps.map((a) => a.services.feed.skipped);
    const first = Number((await sql<{ m: number | null }>`select max(id) as m from change_events`.execute(database.owner.kysely)).rows[0].m ?? 0);
    const ends = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const refused: Record<string, number> = {};
    let done = 0;

    const writer = async (w: number) => {
      const s = apps[w % 2].services;
      const ctx = systemContext(`writer-${w}`);
      // each writer owns one partner × tenant pair for its links, so most requests succeed; the
      // pairs are shared by two writers, so some race for the same open link
      const partner = partners[w % partners.length];
      const tenant = tenants[Math.floor(w / 4) % tenants.length];
      let open: string | null = null;
      while (done < TOTAL) {
        const n = done++;
        try {
          switch (n % 6) {
            case 0:
              if (open) {
                await s.delegations.revokeIfOpen(ctx, open, { side: 'partner', reason: 'test' });
                open = null;
              } else {
                open = (await s.delegations.create(ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_SUPPORT', endsAt: ends, justification: 'load' })).id;
              }
              break;
            case 1:
            case 2:
              await s.oauth.revocations.revoke(ctx, { jti: randomBytes(9).toString('base64url'), clientId: 'app_test', partnerId: partner.id, tenantId: tenant.id, exp });
              break;
            case 3:
              await s.tenants.updateBillingAccount(ctx, tenant.id, tenant.bans[0].id, { name: `Account ${n}` });
              break;
            case 4:
              await s.partners.updateProfile(ctx, partner.id, { description: `Profile ${n}` });
              break;
            default:
              await mutate(s.db, (trx) => s.audit.record(trx, ctx, { action: 'test.audited', tenantId: tenant.id, targetType: 'test', targetId: String(n) }));
          }
        } catch (e) {
          const code = (e as { code?: string }).code ?? String(e);
          refused[code] = (refused[code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await settle();

    // only the race for one open link may be refused, and rarely
    for (const code of Object.keys(refused)) expect(['delegation_exists', '23505'], JSON.stringify(refused)).toContain(code);
    expect(Object.values(refused).reduce((a, b) => a + b, 0)).toBeLessThan(TOTAL / 20);

    const ids = (await sql<{ id: number }>`select id from change_events where id > ${first}`.execute(database.owner.kysely)).rows.map((r) => Number(r.id));
    expect(ids.length).toBeGreaterThan(TOTAL / 2);
    for (const [i, s] of seen.entries()) {
      // every row a drain did not deliver is one it skipped: its writer's instance had handed it over
      const missing = ids.filter((id) => s.get(id) !== 1);
      expect(missing.length, `instance ${i + 1}: changes not applied exactly once`).toBe(apps[i].services.feed.skipped - skippedBefore[i]);
      expect([...s.values()].every((n) => n === 1), `instance ${i + 1}: a change applied twice`).toBe(true);
    }
    // each instance's writers had some of their own changes applied before they answered without a
    // drain (the others: a drain the other instance's nudges started had read them first)
    for (const [i, n] of handedOver.entries()) expect(n, `instance ${i + 1}: changes handed over by their writer`).toBeGreaterThan(0);
    // a real consumer: each instance's revocation index holds every revoked token (handed over or drained)
    const jtis = (await sql<{ jti: string }>`select jti from oauth_revoked_tokens`.execute(database.owner.kysely)).rows.map((r) => r.jti);
    for (const app of apps) expect(jtis.filter((j) => !app.services.oauth.revocations.has(j))).toEqual([]);
    // one open link per partner and tenant
    const doubled = await sql`select partner_id, tenant_id from delegations where origin = 'link' and status in ('requested', 'active') group by 1, 2 having count(*) > 1`.execute(database.owner.kysely);
    expect(doubled.rows).toEqual([]);
    // every event is in the chain, and the chain verifies
    const v = await apps[1].services.audit.verify();
    expect(v).toEqual({ ok: true, checked: await apps[0].services.audit.count() });
  }, 240_000);

  it('a transaction that commits late is still delivered to every instance, once', async () => {
    const late = `late-${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: database.ownerUrl! });
    await c.connect();
    try {
      await c.query('begin');
      await c.query(`insert into change_events (entity, entity_id, created_at) values ('test', $1, $2)`, [late, new Date().toISOString()]);
      // later transactions (later ids) commit and are delivered while it stays open
      const ctx = systemContext('late-test');
      const after: string[] = [];
      for (let i = 0; i < 6; i++) {
        const s = apps[i % 2].services;
        await s.tenants.updateBillingAccount(ctx, tenants[0].id, tenants[0].bans[0].id, { name: `Later ${i}` });
        after.push(tenants[0].bans[0].id);
      }
      await settle();
      for (const m of seenEntity) expect(m.get(late)).toBeUndefined();
      await c.query('commit');
    } finally {
      await c.end();
    }
    await settle();
    for (const m of seenEntity) expect(m.get(late)).toBe(1);
    // and it is never delivered again
    await mutate(apps[0].services.db, (trx) => apps[0].services.feed.record(trx, 'test', 'after-late'));
    await settle();
    for (const m of seenEntity) expect([m.get(late), m.get('after-late')]).toEqual([1, 1]);
  }, 60_000);
});
