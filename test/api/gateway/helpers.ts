/** Helpers shared by the gateway and resources suites (HTTP only; no mocks). */
import { sql } from 'kysely';
import { randomBytes, randomInt } from 'node:crypto';
import { SignJWT, importJWK, type JWK } from 'jose';
import type { TestApp } from '../../helpers/app.ts';
import type { Db } from '../../../src/platform/db/database.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';

/**
 * Log in from an address of its own: with Redis, login throttling counts per IP across every
 * suite running on the machine, so 127.0.0.1 may already be throttled by other suites' failures.
 */
export async function loginAs(t: TestApp, u: TestUser): Promise<Client> {
  const c = new Client(t.app);
  c.ip = `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
  return c.login(u.email, u.password);
}

/** A personal API token of the user (pgpat_…), created through the API. */
export async function apiToken(t: TestApp, u: TestUser): Promise<string> {
  const c = await loginAs(t, u);
  const r = await c.post<'/api/v1/me/api-tokens'>('/api/v1/me/api-tokens', { name: 'gateway test' });
  if (r.status !== 201) throw new Error(`api token for ${u.email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export function ends(days = 90): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

/**
 * A partner app with a consent delegation of a customer, created the way the consent screen does
 * (the consent flow itself runs over HTTP in gateway-flows.test.ts).
 */
export async function consentedApp(
  t: TestApp,
  opts: { tenant: TestTenant; partner?: TestPartner; scopes?: string[]; banIds?: string[] | null; billTo?: string | null },
): Promise<{ partner: TestPartner; clientId: string; delegationId: string; scopes: string[] }> {
  const partner = opts.partner ?? (await t.world.partner({ capabilities: ['delegated'] }));
  const scopes = opts.scopes ?? ['orders.read', 'orders.create', 'billing.invoices.read'];
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: partner.id } };
  const { app } = await t.services.apps.create(ctx, partner.id, { name: 'App ' + partner.slug, grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scopes });
  const d = await t.services.delegations.create(t.world.ctx, {
    partnerId: partner.id,
    tenantId: opts.tenant.id,
    origin: 'consent',
    role: 'DELEGATE',
    scopes,
    overrides: { grant: scopes, deny: [] },
    banIds: opts.banIds === undefined ? [opts.tenant.bans[0].id] : opts.banIds,
    billToBanId: opts.billTo === undefined ? opts.tenant.bans[0].id : opts.billTo,
    clientId: app.id,
    endsAt: ends(),
  });
  await t.services.feed.drain();
  return { partner, clientId: app.id, delegationId: d.id, scopes };
}

/**
 * An access token signed with the authorization server's current key, with the claims given
 * (defaults: a well-formed RFC 9068 token for the gateway's audience). For claim-level tests and
 * attacks; real flows get their tokens from /oauth/token.
 */
export async function mintToken(
  t: TestApp,
  claims: Record<string, unknown>,
  opts: { header?: Record<string, unknown>; expiresInSec?: number; issuedAtSec?: number; key?: JWK } = {},
): Promise<string> {
  const keys = t.services.oauth.keys;
  const current = keys.current;
  const jwk = opts.key ?? (keys.providerJwks().keys.find((k) => k.kid === current.kid) as JWK);
  const iat = opts.issuedAtSec ?? Math.floor(Date.now() / 1000);
  const { iss = t.services.oauth.issuer, aud = t.services.oauth.audience, ...rest } = claims;
  return new SignJWT({ scope: 'orders.read', ...rest })
    .setProtectedHeader({ alg: current.alg, kid: current.kid, typ: 'at+jwt', ...opts.header })
    .setIssuer(iss as string)
    .setAudience(aud as string | string[])
    .setSubject(String(rest.sub ?? rest.client_id ?? 'app'))
    .setJti(randomBytes(8).toString('hex'))
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.expiresInSec ?? 600))
    .sign(await importJWK(jwk, current.alg));
}

/** The claims the authorization server puts in a consent token (oauth/claims.ts consentClaims). */
export function consentClaims(a: { partner: { id: string }; clientId: string; delegationId: string; scopes: string[] }, tenant: TestTenant, banIdx = [0], billTo: string | null = tenant.bans[0].account_number) {
  return {
    client_id: a.clientId,
    partner_id: a.partner.id,
    persona: 'partner',
    tenant_id: tenant.id,
    customer_ban: banIdx.map((i) => tenant.bans[i].account_number),
    ...(billTo ? { bill_to: billTo } : {}),
    act: { sub: a.partner.id, client_id: a.clientId },
    dlg: a.delegationId,
    sub: tenant.admin.id,
    scope: a.scopes.join(' '),
  };
}

/** A request through the gateway (app.inject; the upstream behind it is real HTTP). */
export async function gw(t: TestApp, method: string, url: string, opts: { token?: string | null; headers?: Record<string, string>; body?: unknown } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const r = await t.app.inject({ method: method as 'GET', url, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
  const ct = String(r.headers['content-type'] ?? '');
  return { status: r.statusCode, headers: r.headers, body: ct.includes('json') && r.body ? JSON.parse(r.body) : r.body };
}

/** A link delegation (MSP), born active unless said otherwise. */
export async function link(t: TestApp, partner: TestPartner, tenant: Pick<TestTenant, 'id'>, o: { role?: string; banIds?: string[] | null; startsAt?: string; endsAt?: string; status?: 'requested' | 'active' } = {}) {
  const d = await t.services.delegations.create(t.world.ctx, {
    partnerId: partner.id,
    tenantId: tenant.id,
    origin: 'link',
    role: o.role ?? 'MSP_FULL',
    banIds: o.banIds ?? null,
    startsAt: o.startsAt ?? null,
    endsAt: o.endsAt ?? ends(),
    status: o.status ?? 'active',
  });
  await t.services.feed.drain();
  return d;
}

/**
 * Run `fn` while the tables are renamed away: any read of them on the request path fails it, so a
 * pass proves the request was decided from memory.
 */
export async function withoutTables<T>(t: TestApp, tables: string[], fn: () => Promise<T>): Promise<T> {
  const db = t.testDb.owner.kysely; // DDL: the schema owner's
  for (const name of tables) await sql`alter table ${sql.table(name)} rename to ${sql.table(name + '_away')}`.execute(db);
  try {
    return await fn();
  } finally {
    for (const name of tables) await sql`alter table ${sql.table(name + '_away')} rename to ${sql.table(name)}`.execute(db);
  }
}

/** Poll `probe` every 25 ms until it is true; how long that took. Throws after `ms`. */
export async function until(what: string, probe: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The requests in the tenant's access events (`gateway.request`), by request id, with how often each is logged. */
export async function auditedRequests(db: Db, tenantId: string): Promise<Map<string, number>> {
  const rows = await db.kysely.selectFrom('audit_events').select('details').where('tenant_id', '=', tenantId).where('action', '=', 'gateway.request').execute();
  const out = new Map<string, number>();
  for (const r of rows) for (const q of (JSON.parse(r.details) as { requests?: { request_id: string }[] }).requests ?? []) out.set(q.request_id, (out.get(q.request_id) ?? 0) + 1);
  return out;
}
