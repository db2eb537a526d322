/**
 * The periodic re-check of verified sign-in domains, against a real DNS server on loopback: a domain
 * whose TXT record is gone loses its verification (audited), stops routing its addresses to the company
 * sign-in, and its owners are told (the domain.verification_lost event, in the bell); a domain whose
 * record is still there stays verified. Failures close: when DNS answers SERVFAIL, a verified domain stays verified
 * (its people are still sent to the company sign-in, which "require single sign-on" rests on) and its owners are told once; only an outage
 * longer than the grace period un-verifies it. Runs on SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { DomainRecheck } from '../../../src/modules/sso/index.ts';
import { DNS_UNANSWERED_GRACE_MS, DnsTxtChecker, DomainsService } from '../../../src/modules/domains/index.ts';

let t: TestApp;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ config: { DNS_RESOLVER: dns.address, DOMAIN_RECHECK_INTERVAL_MS: '0' } });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

describe('periodic re-check of verified domains', () => {
  it('a domain whose TXT record is gone loses its verification, stops routing, and its owner is told; one still published stays verified', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const base = `/api/v1/partners/${partner.id}/domains`;
    const kept = `kept-${randomBytes(4).toString('hex')}.com`;
    const gone = `gone-${randomBytes(4).toString('hex')}.com`;
    const ids: Record<string, string> = {};
    for (const domain of [kept, gone]) {
      const added = await owner.post(base, { domain });
      dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
      expect((await owner.post(`${base}/${added.body.id}/check`)).body.status).toBe('verified');
      ids[domain] = added.body.id;
    }
    const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
      kind: 'oidc',
      name: 'Company sign-in',
      enabled: true,
      oidc: { issuer: 'https://login.example.com', client_id: 'pg', auth_method: 'client_secret_basic', client_secret: 's3cret' },
      default_role: 'partner_auditor',
      role_mappings: [],
      trust_upstream_mfa: false,
      require_sso: false,
      break_glass_user_id: null,
    });
    expect(saved.status).toBe(200);
    expect((await t.client().post('/api/v1/auth/sso/discover', { email: `ann@${gone}` })).body.routed).toBe(true);

    dns.remove(`_partnergate.${gone}`);
    // a day later, with a daily interval: both domains are due
    const later = { now: () => new Date(Date.now() + 86_400_000 + 60_000), nowMs: () => Date.now() + 86_400_000 + 60_000 };
    const failures: unknown[] = [];
    const recheck = new DomainRecheck({ db: t.services.db, clock: later, domains: t.services.domains, outbox: t.services.notifications.outbox, intervalMs: 86_400_000, onError: (e) => failures.push(e) });
    const round = await recheck.runOnce();
    expect(round.lost).toBe(1);
    expect(round.checked).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([]);

    const list = (await owner.get(base)).body.data as { id: string; status: string; last_check_result: string }[];
    expect(list.find((d) => d.id === ids[kept])?.status).toBe('verified');
    expect(list.find((d) => d.id === ids[gone])).toMatchObject({ status: 'failed', last_check_result: expect.stringContaining('No TXT record') });
    expect((await t.client().post('/api/v1/auth/sso/discover', { email: `ann@${gone}` })).body.routed).toBe(false);
    expect((await t.client().post('/api/v1/auth/sso/discover', { email: `ann@${kept}` })).body.routed).toBe(true);

    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'actor_type']).where('target_id', '=', ids[gone]).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['domain.added', 'domain.verified', 'domain.verification_lost']);

    const events = await t.services.db.kysely.selectFrom('domain_events').select(['type', 'payload', 'partner_id']).where('type', '=', 'domain.verification_lost').where('partner_id', '=', partner.id).execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].payload)).toMatchObject({ domain: { id: ids[gone], domain: gone }, owner: { type: 'partner', id: partner.id } });
    await t.services.notifications.worker.tick();
    const bell = await owner.get('/api/v1/me/notifications');
    expect(JSON.stringify(bell.body)).toContain(`${gone} is no longer verified`);
  });

  it('a DNS server failure relaxes nothing: the domain stays verified and routed for the grace period, its owner is told once, and only a longer outage un-verifies it', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const base = `/api/v1/partners/${partner.id}/domains`;
    const domain = `flaky-${randomBytes(4).toString('hex')}.com`;
    const added = await owner.post(base, { domain });
    dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
    expect((await owner.post(`${base}/${added.body.id}/check`)).body.status).toBe('verified');
    const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
      kind: 'oidc',
      name: 'Company sign-in',
      enabled: true,
      oidc: { issuer: 'https://login.example.com', client_id: 'pg', auth_method: 'client_secret_basic', client_secret: 's3cret' },
      default_role: 'partner_auditor',
      role_mappings: [],
      trust_upstream_mfa: false,
      require_sso: true,
      break_glass_user_id: partner.owner.id,
    });
    expect(saved.status).toBe(200);

    dns.fail(`_partnergate.${domain}`);
    const at = (ms: number) => ({ now: () => new Date(Date.now() + ms), nowMs: () => Date.now() + ms });
    const failures: unknown[] = [];
    // the re-check and the domains it checks on a clock days ahead
    const recheck = (ms: number) => new DomainRecheck({ db: t.services.db, clock: at(ms), domains: new DomainsService({ db: t.services.db, audit: t.services.audit, clock: at(ms), dns: new DnsTxtChecker(dns.address) }), outbox: t.services.notifications.outbox, intervalMs: 86_400_000, onError: (e) => failures.push(e) }).runOnce();
    // the next two daily re-checks meet SERVFAIL: nothing changes for the people of the domain
    for (const day of [1, 2]) {
      const round = await recheck(day * 86_400_000 + 60_000);
      expect(round.lost).toBe(0);
      const row = ((await owner.get(base)).body.data as { id: string; status: string; last_check_result: string }[]).find((d) => d.id === added.body.id);
      expect(row).toMatchObject({ status: 'verified', last_check_result: expect.stringContaining('server failure') });
      expect((await t.client().post('/api/v1/auth/sso/discover', { email: `ann@${domain}` })).body.routed).toBe(true);
    }
    expect(failures).toEqual([]);
    // told once, not at every re-check
    const told = await t.services.db.kysely.selectFrom('domain_events').select(['payload']).where('type', '=', 'domain.dns_unanswered').where('partner_id', '=', partner.id).execute();
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0].payload)).toMatchObject({ domain: { id: added.body.id, domain }, owner: { type: 'partner', id: partner.id } });
    await t.services.notifications.worker.tick();
    expect(JSON.stringify((await owner.get('/api/v1/me/notifications')).body)).toContain(`DNS does not answer for ${domain}`);

    // an outage longer than the grace period: the domain is no longer verified
    const round = await recheck(86_400_000 + DNS_UNANSWERED_GRACE_MS + 120_000);
    expect(round.lost).toBe(1);
    const row = ((await owner.get(base)).body.data as { id: string; status: string; last_check_result: string }[]).find((d) => d.id === added.body.id);
    expect(row).toMatchObject({ status: 'failed', last_check_result: expect.stringContaining('no definite answer') });
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action']).where('target_id', '=', added.body.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['domain.added', 'domain.verified', 'domain.check_unanswered', 'domain.check_unanswered', 'domain.verification_lost']);
  });
});
