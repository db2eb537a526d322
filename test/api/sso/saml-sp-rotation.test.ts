/**
 * Rotating our SAML certificate with an overlap, through the API and against the samlify identity provider:
 * "Prepare a new certificate" publishes the next one beside the current one in our metadata (signing and
 * encryption) and assertions encrypted to it decrypt; "Switch" makes it sign our requests while assertions still
 * encrypted to the old one decrypt during the overlap; "Remove the old certificate" ends that: they are refused.
 * Each step is audited with the fingerprints.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { samlConnectedPartner } from '../../helpers/saml-connection.ts';
import type { Clock } from '../../../src/platform/clock.ts';
import { SpPreviousCleanup } from '../../../src/modules/sso/sso-sp-rotation.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type SamlIdp } from '../../helpers/saml-idp.ts';

let t: TestApp;
let dns: TestDnsServer;
let idp: SamlIdp;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ config: { DNS_RESOLVER: dns.address } });
  idp = await startSamlIdp({ users: [], wantAuthnRequestsSigned: true });
});
afterAll(async () => {
  await idp?.close();
  await t?.close();
  await dns?.close();
});

async function connectedPartner() {
  const { partner, owner, domain, connectionId } = await samlConnectedPartner(t, dns, { metadataXml: idp.metadataXml, domainPrefix: 'rot' });
  const metadata = async () => (await t.app.inject({ method: 'GET', url: `/sso/saml/${connectionId}/metadata` })).body;
  const user: IdpUser = { nameId: `ada@${domain}`, email: `ada@${domain}`, name: 'Ada Example', groups: [], authnContextClassRef: CLASS_REF.mfa };
  const step = (path: string) => owner.post(`/api/v1/partners/${partner.id}/sso/saml-certificate/${path}`);
  return { partner, owner, connectionId, metadata, user, step };
}

/** A sign-in whose assertion is encrypted to the certificate the provider was last given (idp.trust); the ACS's status. */
async function encryptedSignIn(user: IdpUser): Promise<number> {
  const start = await t.app.inject({ method: 'GET', url: `/sso/start?email=${encodeURIComponent(user.email!)}` });
  expect(start.statusCode, start.body).toBe(302);
  const binding = String(start.headers['set-cookie']).match(/partnergate_sso_flow=([^;]+)/)![1];
  const page = await fetch(String(start.headers.location));
  expect(page.status, await page.text()).toBe(200); // the provider verified our AuthnRequest's signature
  const seen = idp.requests.at(-1)!;
  const SAMLResponse = await idp.response({ user, inResponseTo: seen.id, encrypt: true });
  const xml = Buffer.from(SAMLResponse, 'base64').toString('utf8');
  expect(xml).toContain('EncryptedAssertion');
  const landed = await t.app.inject({
    method: 'POST',
    url: new URL(/Destination="([^"]+)"/.exec(xml)![1]).pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `partnergate_sso_flow=${binding}` },
    payload: new URLSearchParams({ SAMLResponse, RelayState: seen.relayState }).toString(),
  });
  return landed.statusCode;
}

const certs = (xml: string, use: 'signing' | 'encryption') =>
  [...xml.matchAll(new RegExp(`<KeyDescriptor use="${use}">[\\s\\S]*?<ds:X509Certificate>([^<]+)</ds:X509Certificate>`, 'g'))].map((m) => new X509Certificate(Buffer.from(m[1], 'base64')).fingerprint256);

/**
 * Our metadata as a provider that keeps one certificate per use takes it: the signing and the encryption certificate
 * at the given positions (samlify, like several providers, uses a single one of each).
 */
function keeping(xml: string, signing: number, encryption: number): string {
  const pick = (x: string, use: string, keep: number) => {
    let i = 0;
    return x.replace(new RegExp(`<KeyDescriptor use="${use}">[\\s\\S]*?</KeyDescriptor>`, 'g'), (m) => (i++ === keep ? m : ''));
  };
  return pick(pick(xml, 'signing', signing), 'encryption', encryption);
}

describe('rotating our SAML certificate', () => {
  it('prepare publishes both, switch signs with the new one while the old still decrypts, remove ends the old one', async () => {
    const c = await connectedPartner();
    const before = await c.metadata();
    idp.trust(before);
    const current = (await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`)).body.connection.saml.sp_certificates;
    expect(current).toMatchObject({ current: { fingerprint: expect.stringMatching(/^[0-9A-F:]{95}$/) }, next: null, previous: null });
    expect(certs(before, 'encryption')).toEqual([current.current.fingerprint]);

    const prepared = await c.step('prepare');
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(200);
    const next = prepared.body.connection.saml.sp_certificates.next;
    expect(next.fingerprint).not.toBe(current.current.fingerprint);
    expect(new Date(next.valid_until).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    expect((await c.step('prepare')).status).toBe(400); // one at a time
    const both = await c.metadata();
    expect(certs(both, 'encryption')).toEqual([current.current.fingerprint, next.fingerprint]);
    expect(certs(both, 'signing')).toEqual([current.current.fingerprint, next.fingerprint]);
    // encrypted to the current one, and — a provider that took the new metadata early — to the next one: both decrypt
    expect(await encryptedSignIn(c.user)).toBe(302);
    idp.trust(keeping(both, 0, 1));
    expect(await encryptedSignIn(c.user)).toBe(302);

    const switched = await c.step('switch');
    expect(switched.status).toBe(200);
    const after = switched.body.connection.saml.sp_certificates;
    expect(after.current.fingerprint).toBe(next.fingerprint);
    expect(after.next).toBeNull();
    expect(after.previous).toMatchObject({ fingerprint: current.current.fingerprint, decrypts_until: expect.any(String) });
    expect(certs(await c.metadata(), 'encryption')).toEqual([next.fingerprint]);
    // a provider still encrypting to the old certificate: its assertions still decrypt; our AuthnRequest is now
    // signed with the new key, which it already knows (the metadata published it during the preparation)
    idp.trust(keeping(both, 1, 0));
    expect(await encryptedSignIn(c.user)).toBe(302);

    const removed = await c.step('remove-old');
    expect(removed.status).toBe(200);
    expect(removed.body.connection.saml.sp_certificates.previous).toBeNull();
    expect(await encryptedSignIn(c.user)).toBe(400);
    expect((await c.step('remove-old')).status).toBe(400);

    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', c.connectionId).where('action', 'like', 'sso.sp_certificate_%').execute();
    const details = Object.fromEntries(audit.map((r) => [r.action, typeof r.details === 'string' ? JSON.parse(r.details) : r.details]));
    expect(details['sso.sp_certificate_prepared']).toMatchObject({ current: current.current.fingerprint, next: next.fingerprint });
    expect(details['sso.sp_certificate_switched']).toMatchObject({ current: next.fingerprint, previous: current.current.fingerprint });
    expect(details['sso.sp_certificate_removed']).toMatchObject({ removed: current.current.fingerprint });
  });

  it('an OpenID Connect connection has no certificate of ours to rotate', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    expect((await owner.post(`/api/v1/partners/${partner.id}/sso/saml-certificate/prepare`)).status).toBe(404);
  });
  it('an old certificate past its overlap is dropped on a schedule, audited, without anyone acting', async () => {
    const c = await connectedPartner();
    expect((await c.step('prepare')).status).toBe(200);
    const old = (await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`)).body.connection.saml.sp_certificates.current.fingerprint;
    expect((await c.step('switch')).status).toBe(200);
    const stored = () => t.testDb.db.kysely.selectFrom('sso_connections').select(['saml_sp_previous_certificate', 'saml_sp_previous_private_key_enc', 'saml_sp_previous_until']).where('id', '=', c.connectionId).executeTakeFirstOrThrow();
    const until = Date.parse((await stored()).saml_sp_previous_until!);
    const at = (ms: number): Clock => ({ now: () => new Date(ms), nowMs: () => ms });
    const failures: unknown[] = [];
    const cleanup = (ms: number) => new SpPreviousCleanup({ db: t.services.db, clock: at(ms), audit: t.services.audit, onError: (e) => failures.push(e) });

    // within the overlap: kept (another connection's expiry may be dropped by the same round, so only this one is looked at)
    await cleanup(until - 60_000).runOnce();
    expect((await stored()).saml_sp_previous_certificate).not.toBeNull();

    // once the overlap is over: dropped, key and all, by one of two instances, and audited once with its fingerprint
    await Promise.all([cleanup(until + 60_000).runOnce(), cleanup(until + 60_000).runOnce()]);
    expect(await stored()).toEqual({ saml_sp_previous_certificate: null, saml_sp_previous_private_key_enc: null, saml_sp_previous_until: null });
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['details']).where('target_id', '=', c.connectionId).where('action', '=', 'sso.sp_certificate_expired').execute();
    expect(audit).toHaveLength(1);
    expect(typeof audit[0].details === 'string' ? JSON.parse(audit[0].details) : audit[0].details).toMatchObject({ removed: old });
    expect((await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`)).body.connection.saml.sp_certificates.previous).toBeNull();
    expect((await c.step('remove-old')).status).toBe(400); // nothing left to remove
    expect(failures).toEqual([]);
  });
});
