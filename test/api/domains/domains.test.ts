/**
 * Sign-in domains against a real DNS server on loopback (test/helpers/dns-server.ts, pointed at by
 * DNS_RESOLVER): an organization claims a domain, publishes the TXT record it is given at
 * _partnergate.<domain>, and a check verifies it — or says in words why not. A domain is verified by
 * one organization at a time; another organization's claims are invisible; only the owner
 * (partner owner, tenant admin) and the operator act.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';

let t: TestApp;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ config: { DNS_RESOLVER: dns.address } });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

/** a domain no other test uses */
const fresh = (label = 'acme') => `${label}-${randomBytes(4).toString('hex')}.com`;

async function auditOf(domainId: string) {
  return t.services.db.kysely.selectFrom('audit_events').select(['action', 'tenant_id', 'partner_id', 'outcome', 'details']).where('target_id', '=', domainId).orderBy('seq').execute();
}

describe('sign-in domains', () => {
  it('a partner owner adds a domain, is told the TXT record, and a check finds it: verified, and audited', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const base = `/api/v1/partners/${partner.id}/domains`;
    const domain = fresh();

    const added = await owner.post(base, { domain: domain.toUpperCase() });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: expect.stringMatching(/^dom_/), domain, status: 'pending', verified_at: null, last_checked_at: null, last_check_result: null, taken_elsewhere: false });
    expect(added.body.record).toEqual({ type: 'TXT', name: `_partnergate.${domain}`, value: expect.stringMatching(/^partnergate-verification=[A-Za-z0-9_-]{20,}$/) });
    const id = added.body.id;

    dns.setTxt(`_partnergate.${domain}`, ['v=spf1 -all', added.body.record.value]);
    const checked = await owner.post(`${base}/${id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ id, status: 'verified', verified_at: expect.any(String), last_checked_at: expect.any(String), last_check_result: `The TXT record was found at _partnergate.${domain}.` });
    expect(dns.asked).toContain(`_partnergate.${domain}`);

    const list = await owner.get(base);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id, domain, status: 'verified' })]);

    expect((await auditOf(id)).map((e) => [e.action, e.partner_id])).toEqual([
      ['domain.added', partner.id],
      ['domain.verified', partner.id],
    ]);
  });

  it('no record: failed with the reason in words; a wrong value: failed, saying the value does not match; a server failure: failed, never a 500', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const base = `/api/v1/tenants/${tenant.id}/domains`;

    const absent = (await admin.post(base, { domain: fresh('absent') })).body;
    const r1 = await admin.post(`${base}/${absent.id}/check`);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ status: 'failed', verified_at: null, last_check_result: `No TXT record was found at _partnergate.${absent.domain}.` });

    const wrong = (await admin.post(base, { domain: fresh('wrong') })).body;
    dns.setTxt(`_partnergate.${wrong.domain}`, ['partnergate-verification=somebody-elses-token']);
    const r2 = await admin.post(`${base}/${wrong.id}/check`);
    expect(r2.status).toBe(200);
    expect(r2.body.status).toBe('failed');
    expect(r2.body.last_check_result).toBe(`The TXT record at _partnergate.${wrong.domain} has a value that does not match: expected ${wrong.record.value}.`);

    const broken = (await admin.post(base, { domain: fresh('broken') })).body;
    dns.fail(`_partnergate.${broken.domain}`);
    const r3 = await admin.post(`${base}/${broken.id}/check`);
    expect(r3.status).toBe(200);
    expect(r3.body.status).toBe('failed');
    expect(r3.body.last_check_result).toMatch(/^The DNS server could not answer/);

    // then the right record: verified on the next check
    dns.setTxt(`_partnergate.${wrong.domain}`, [wrong.record.value]);
    expect((await admin.post(`${base}/${wrong.id}/check`)).body.status).toBe('verified');

    expect((await auditOf(absent.id)).map((e) => [e.action, e.tenant_id, e.outcome])).toEqual([
      ['domain.added', tenant.id, 'success'],
      ['domain.check_failed', tenant.id, 'failure'],
    ]);
  });

  it('a verified domain whose record is taken away fails the next check, and that is audited', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const base = `/api/v1/partners/${partner.id}/domains`;
    const d = (await owner.post(base, { domain: fresh('gone') })).body;
    dns.setTxt(d.record.name, [d.record.value]);
    expect((await owner.post(`${base}/${d.id}/check`)).body.status).toBe('verified');
    // still there: stays verified
    expect((await owner.post(`${base}/${d.id}/check`)).body.status).toBe('verified');

    dns.remove(d.record.name);
    const again = await owner.post(`${base}/${d.id}/check`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'failed', verified_at: null, last_check_result: `No TXT record was found at ${d.record.name}.` });
    expect((await auditOf(d.id)).map((e) => e.action)).toEqual(['domain.added', 'domain.verified', 'domain.checked', 'domain.verification_lost']);
  });

  it('a domain verified by one organization can be claimed by another, but not verified by it (domain_taken) until the first gives it up', async () => {
    const a = await t.world.partner();
    const b = await t.world.tenant();
    const ownerA = await a.owner.login();
    const adminB = await b.admin.login();
    const domain = fresh('shared');

    const claimA = (await ownerA.post(`/api/v1/partners/${a.id}/domains`, { domain })).body;
    const claimB = await adminB.post(`/api/v1/tenants/${b.id}/domains`, { domain });
    expect(claimB.status).toBe(201);
    expect(claimB.body.record.value).not.toBe(claimA.record.value);

    // both records published; A checks first
    dns.setTxt(`_partnergate.${domain}`, [claimA.record.value, claimB.body.record.value]);
    expect((await ownerA.post(`/api/v1/partners/${a.id}/domains/${claimA.id}/check`)).body.status).toBe('verified');

    const taken = await adminB.post(`/api/v1/tenants/${b.id}/domains/${claimB.body.id}/check`);
    expect([taken.status, taken.body.code]).toEqual([409, 'domain_taken']);
    const listB = await adminB.get(`/api/v1/tenants/${b.id}/domains`);
    expect(listB.body.data).toEqual([expect.objectContaining({ id: claimB.body.id, status: 'pending', taken_elsewhere: true })]);
    // the same organization cannot claim it twice
    const twice = await adminB.post(`/api/v1/tenants/${b.id}/domains`, { domain });
    expect([twice.status, twice.body.code]).toEqual([409, 'domain_already_added']);

    // A gives it up: B may verify it now
    expect((await ownerA.delete(`/api/v1/partners/${a.id}/domains/${claimA.id}`)).status).toBe(204);
    const now = await adminB.post(`/api/v1/tenants/${b.id}/domains/${claimB.body.id}/check`);
    expect([now.status, now.body.status, now.body.taken_elsewhere]).toEqual([200, 'verified', false]);
    expect((await auditOf(claimA.id)).map((e) => e.action)).toEqual(['domain.added', 'domain.verified', 'domain.removed']);
  });

  it('two organizations checking the same domain at the same moment: one is verified, the other told domain_taken', async () => {
    const domain = fresh('race');
    const orgs = await Promise.all([t.world.partner(), t.world.partner()]);
    const owners = await Promise.all(orgs.map((o) => o.owner.login()));
    const claims = await Promise.all(owners.map(async (c, i) => (await c.post(`/api/v1/partners/${orgs[i].id}/domains`, { domain })).body));
    dns.setTxt(`_partnergate.${domain}`, claims.map((c) => c.record.value));
    const answers = await Promise.all(owners.map((c, i) => c.post(`/api/v1/partners/${orgs[i].id}/domains/${claims[i].id}/check`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.code).toBe('domain_taken');
    const rows = await t.services.db.kysely.selectFrom('organization_domains').select('status').where('domain', '=', domain).execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'verified']);
  });

  it('refuses what is not a domain an organization can own, with a code; upper case and international names are normalised', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const base = `/api/v1/partners/${partner.id}/domains`;
    const cases: [string, string][] = [
      ['192.0.2.10', 'domain_invalid'],
      ['2001:db8::1', 'domain_invalid'],
      ['localhost', 'domain_invalid'],
      ['https://example.com/path', 'domain_invalid'],
      [`${'a'.repeat(64)}.com`, 'domain_invalid'],
      [`${'abcdefghi.'.repeat(26)}com`, 'domain_invalid'],
      ['com', 'domain_public_suffix'],
      ['co.uk', 'domain_public_suffix'],
    ];
    for (const [domain, code] of cases) {
      const r = await owner.post(base, { domain });
      expect([domain, r.status, r.body.code, r.headers['content-type']]).toEqual([domain, 400, code, expect.stringContaining('application/problem+json')]);
    }
    const empty = await owner.post(base, { domain: '' });
    expect([empty.status, empty.body.code]).toEqual([400, 'validation_failed']);
    const extra = await owner.post(base, { domain: fresh(), owner_id: 'ptr_x' });
    expect([extra.status, extra.body.code]).toEqual([400, 'validation_failed']);

    const label = `Bücher-${randomBytes(3).toString('hex')}`;
    const idn = await owner.post(base, { domain: `${label.toUpperCase()}.DE` });
    expect(idn.status).toBe(201);
    expect(idn.body.domain).toMatch(/^xn--bcher-.*\.de$/);
    expect((await owner.get(base)).body.data).toHaveLength(1);
  });

  it("another organization's domain is not found; a member without the right is refused; a stranger sees no organization", async () => {
    const a = await t.world.partner();
    const b = await t.world.partner();
    const tenant = await t.world.tenant();
    const ownerA = await a.owner.login();
    const ownerB = await b.owner.login();
    const d = (await ownerA.post(`/api/v1/partners/${a.id}/domains`, { domain: fresh('private') })).body;

    // B's owner, naming A's domain under B's own partner: not found
    for (const r of [await ownerB.post(`/api/v1/partners/${b.id}/domains/${d.id}/check`), await ownerB.delete(`/api/v1/partners/${b.id}/domains/${d.id}`)]) {
      expect([r.status, r.body.code]).toEqual([404, 'domain_not_found']);
    }
    expect((await ownerB.get(`/api/v1/partners/${b.id}/domains`)).body.data).toEqual([]);
    // B's owner under A's partner: the partner wall
    const wall = await ownerB.get(`/api/v1/partners/${a.id}/domains`);
    expect(wall.status).toBe(404);
    // a tenant's admin naming the partner's domain on the tenant side: not found
    const admin = await tenant.admin.login();
    const cross = await admin.post(`/api/v1/tenants/${tenant.id}/domains/${d.id}/check`);
    expect([cross.status, cross.body.code]).toEqual([404, 'domain_not_found']);

    // staff of the partner and a plain tenant user: refused
    const staff = await a.staff.login();
    for (const r of [await staff.get(`/api/v1/partners/${a.id}/domains`), await staff.post(`/api/v1/partners/${a.id}/domains`, { domain: fresh() }), await staff.delete(`/api/v1/partners/${a.id}/domains/${d.id}`)]) {
      expect([r.status, r.body.code]).toEqual([403, 'permission_denied']);
    }
    const user = await tenant.user.login();
    const refused = await user.post(`/api/v1/tenants/${tenant.id}/domains`, { domain: fresh() });
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    // nobody signed in
    const anon = await t.client().get(`/api/v1/partners/${a.id}/domains`);
    expect(anon.status).toBe(401);
    // the domain is still A's, untouched
    expect((await ownerA.get(`/api/v1/partners/${a.id}/domains`)).body.data).toEqual([expect.objectContaining({ id: d.id, status: 'pending' })]);
  });

  it("the operator lists every organization's domains with their owner's name, and removes one; others may not", async () => {
    const partner = await t.world.partner();
    const tenant = await t.world.tenant();
    const domain = fresh('listed');
    const p = (await (await partner.owner.login()).post(`/api/v1/partners/${partner.id}/domains`, { domain })).body;
    const q = (await (await tenant.admin.login()).post(`/api/v1/tenants/${tenant.id}/domains`, { domain })).body;

    const operator = await (await t.world.operator()).login();
    const list = await operator.get(`/api/v1/domains?domain=${domain}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: q.id, domain, status: 'pending', owner: { type: 'tenant', id: tenant.id, name: tenant.name } }),
      expect.objectContaining({ id: p.id, domain, status: 'pending', owner: { type: 'partner', id: partner.id, name: partner.name } }),
    ]);
    const paged = await operator.get('/api/v1/domains?limit=1');
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.next_cursor).toEqual(expect.any(String));

    const owner = await partner.owner.login();
    const notOperator = await owner.get('/api/v1/domains');
    expect([notOperator.status, notOperator.body.code]).toEqual([403, 'permission_denied']);
    expect((await owner.delete(`/api/v1/domains/${p.id}`)).status).toBe(403);

    expect((await operator.delete(`/api/v1/domains/${p.id}`)).status).toBe(204);
    const gone = await operator.delete(`/api/v1/domains/${p.id}`);
    expect([gone.status, gone.body.code]).toEqual([404, 'domain_not_found']);
    expect((await operator.get(`/api/v1/domains?domain=${domain}`)).body.data.map((x: { id: string }) => x.id)).toEqual([q.id]);
    expect((await owner.get(`/api/v1/partners/${partner.id}/domains`)).body.data).toEqual([]);
    const audit = await auditOf(p.id);
    expect(audit.map((e) => [e.action, e.partner_id])).toEqual([
      ['domain.added', partner.id],
      ['domain.removed', partner.id],
    ]);
  });
});
