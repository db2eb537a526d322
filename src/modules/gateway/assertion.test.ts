/** The signed gateway assertion: what the gateway signs, the upstream verifies; anything else is refused. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ASSERTION_HEADER,
  CONTENT_SHA256_HEADER,
  IDENTITY_HEADERS,
  UNSIGNED_PAYLOAD,
  checkBody,
  contentSha256,
  declaredContentSha256,
  defaultAssertionSecret,
  deriveAssertionKey,
  deriveUpstreamKey,
  formatUpstreamKey,
  forwardAuthHeaders,
  appendSigned,
  identityHeaderValues,
  identityParts,
  parseUpstreamKey,
  signAssertion,
  verifyAssertion,
  writeSignedIdentity,
  type GatewayIdentity,
} from './assertion.ts';

const key = deriveAssertionKey('a-master-secret-of-at-least-32-characters!');
const NOW = Date.parse('2025-06-01T12:00:00Z');
const id: GatewayIdentity = {
  requestId: 'req_1',
  partnerId: 'ptr_a',
  userId: null,
  clientId: 'app_a',
  tenantId: 'tnt_a',
  ban: null,
  bans: ['ban_1', 'ban_2'],
  billTo: 'ban_9',
  delegationId: 'dlg_a',
  scopes: ['orders.read', 'orders.create'],
  persona: 'wholesaler',
  permission: 'orders.create',
};

function signed(i = id, method = 'POST', path = '/v1/orders?x=1') {
  return { ...identityHeaderValues(i), [ASSERTION_HEADER]: signAssertion(key, i, method, path, NOW) };
}

describe('gateway assertion', () => {
  it('round-trips the identity', () => {
    const r = verifyAssertion(key, signed(), 'POST', '/v1/orders?x=1', NOW + 5_000);
    expect(r).toEqual({ ok: true, identity: id, content: '' });
  });

  it('keeps "every account" (null) and "no account" ([]) apart', () => {
    for (const bans of [null, []] as const) {
      const r = verifyAssertion(key, signed({ ...id, bans }), 'POST', '/v1/orders?x=1', NOW);
      expect(r.ok && r.identity.bans).toEqual(bans);
    }
  });

  it.each([
    ['missing', (h: Record<string, string>) => ({ ...h, [ASSERTION_HEADER]: undefined }), 'POST', '/v1/orders?x=1', NOW, 'missing'],
    ['a changed tenant', (h: Record<string, string>) => ({ ...h, [IDENTITY_HEADERS.tenantId]: 'tnt_b' }), 'POST', '/v1/orders?x=1', NOW, 'bad_signature'],
    ['an added bill-to', (h: Record<string, string>) => ({ ...h, [IDENTITY_HEADERS.billTo]: 'ban_x' }), 'POST', '/v1/orders?x=1', NOW, 'bad_signature'],
    ['a removed BAN list', (h: Record<string, string>) => ({ ...h, [IDENTITY_HEADERS.bans]: undefined }), 'POST', '/v1/orders?x=1', NOW, 'bad_signature'],
    ['another method', (h: Record<string, string>) => h, 'DELETE', '/v1/orders?x=1', NOW, 'bad_signature'],
    ['another path', (h: Record<string, string>) => h, 'POST', '/v1/orders?x=2', NOW, 'bad_signature'],
    ['a stale one (replayed 2 minutes later)', (h: Record<string, string>) => h, 'POST', '/v1/orders?x=1', NOW + 120_000, 'expired'],
    ['a garbled one', (h: Record<string, string>) => ({ ...h, [ASSERTION_HEADER]: 'v1.abc.def' }), 'POST', '/v1/orders?x=1', NOW, 'malformed'],
  ] as const)('refuses %s', (_n, edit, method, path, at, reason) => {
    const h = edit(signed()) as Record<string, string | undefined>;
    const r = verifyAssertion(key, h, method, path, at);
    expect(r).toEqual({ ok: false, reason });
  });

  it('refuses a signature made with another secret', () => {
    const other = deriveAssertionKey('another-master-secret-of-32-characters!!');
    const h = { ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(other, id, 'POST', '/v1/orders?x=1', NOW) };
    expect(verifyAssertion(key, h, 'POST', '/v1/orders?x=1', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('writeSignedIdentity', () => {
  it('writes the same headers and assertion as identityHeaderValues + signAssertion, and they verify', () => {
    const key = deriveAssertionKey('w'.repeat(40));
    const id: GatewayIdentity = { requestId: 'req_1', partnerId: 'ptr_1', userId: null, clientId: 'app_1', tenantId: 'tnt_1', ban: null, bans: ['ban_1', 'ban_2'], billTo: 'ban_1', delegationId: 'dlg_1', scopes: ['orders.read'], persona: 'partner', permission: 'orders.read' };
    const out: Record<string, string | string[]> = { accept: '*/*' };
    writeSignedIdentity(out, key, id, 'get', '/v1/orders?ban=1', 1_750_000_000_000, null);
    expect(out).toEqual({ accept: '*/*', ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(key, id, 'GET', '/v1/orders?ban=1', 1_750_000_000_000) });
    const v = verifyAssertion(key, out, 'GET', '/v1/orders?ban=1', 1_750_000_000_000);
    expect(v.ok && v.identity).toEqual(id);
  });

  it('agrees with them for every shape of identity: one, no or every account, no tenant, no scopes', () => {
    const key = deriveAssertionKey('w'.repeat(40));
    const base: GatewayIdentity = { requestId: 'req_2', partnerId: 'ptr_1', userId: 'usr_1', clientId: null, tenantId: 'tnt_1', ban: 'ban_9', bans: ['ban_1'], billTo: null, delegationId: null, scopes: null, persona: 'msp', permission: null };
    const variants: GatewayIdentity[] = [base, { ...base, bans: [] }, { ...base, bans: null }, { ...base, tenantId: null, bans: null, ban: null }, { ...base, scopes: [] }, { ...base, partnerId: null, persona: null }];
    for (const id of variants) {
      const out: Record<string, string | string[]> = {};
      writeSignedIdentity(out, key, id, 'POST', '/v1/orders', 1_750_000_000_000, null);
      expect(out).toEqual({ ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(key, id, 'POST', '/v1/orders', 1_750_000_000_000) });
    }
  });
});

describe('forwardAuthHeaders', () => {
  it('answers the bytes appendSigned writes for an unseen body, each request its own id, time and signature, with the identity joined once', () => {
    const key = deriveAssertionKey('f'.repeat(40));
    const base: GatewayIdentity = { requestId: '', partnerId: 'ptr_1', userId: null, clientId: 'app_1', tenantId: 'tnt_1', ban: null, bans: ['ban_1', 'ban_2'], billTo: 'ban_1', delegationId: 'dlg_1', scopes: ['orders.read'], persona: 'partner', permission: 'orders.read' };
    for (const id of [base, { ...base, bans: null }, { ...base, tenantId: null, bans: null, scopes: null, partnerId: null }]) {
      const parts = identityParts(id);
      const requests = [
        { rid: 'req_a', method: 'get', uri: '/v1/orders?limit=5', now: 1_750_000_000_000 },
        { rid: 'req_b', method: 'POST', uri: '/v1/orders', now: 1_750_000_000_999 },
        { rid: 'req_c', method: 'GET', uri: '/v1/invoices', now: 1_750_000_007_000 },
      ];
      for (const r of requests) {
        const want = ['x-request-id', r.rid];
        appendSigned(want, key, r.rid, parts, r.method, r.uri, r.now, undefined);
        const got = forwardAuthHeaders(key, r.rid, parts, r.method, r.uri, r.now);
        expect(got).toEqual(want);
        const h: Record<string, string> = {};
        for (let i = 0; i < got.length; i += 2) h[got[i]] = got[i + 1];
        const v = verifyAssertion(key, h, r.method.toUpperCase(), r.uri, r.now);
        expect(v.ok && v.identity).toEqual({ ...id, requestId: r.rid });
        // another request's facts do not verify
        expect(verifyAssertion(key, h, 'DELETE', r.uri, r.now).ok).toBe(false);
      }
      // the list handed out is the caller's own: appending to it changes no later answer
      forwardAuthHeaders(key, 'req_d', parts, 'GET', '/v1/x', 1_750_000_000_000).push('ratelimit', 'x');
      expect(forwardAuthHeaders(key, 'req_e', parts, 'GET', '/v1/x', 1_750_000_000_000)).not.toContain('ratelimit');
    }
  });
});

describe('per-upstream keys', () => {
  const secret = defaultAssertionSecret('a-master-secret-of-at-least-32-characters!');
  const crm = deriveUpstreamKey(secret, 'crm');
  const billing = deriveUpstreamKey(secret, 'billing');

  it('derives one key per upstream name, never the master secret or the assertion secret itself', () => {
    expect(crm.equals(billing)).toBe(false);
    expect(crm.equals(deriveUpstreamKey(secret, 'crm'))).toBe(true);
    expect(crm.equals(deriveUpstreamKey(defaultAssertionSecret('another-master-secret-of-32-characters!!'), 'crm'))).toBe(false);
    expect(secret).not.toContain('a-master-secret');
    expect(parseUpstreamKey(formatUpstreamKey(crm)).equals(crm)).toBe(true);
    expect(() => parseUpstreamKey('not-a-key')).toThrow(/43 base64url/);
  });

  it("an upstream holding its own key refuses what was signed for another upstream", () => {
    const h: Record<string, string> = {};
    writeSignedIdentity(h, billing, id, 'GET', '/v1/orders', NOW, null);
    expect(verifyAssertion(crm, h, 'GET', '/v1/orders', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAssertion(billing, h, 'GET', '/v1/orders', NOW).ok).toBe(true);
  });
});

describe('the body is bound to the assertion', () => {
  const body = Buffer.from(JSON.stringify({ product_code: 'FIBER-1G', quantity: 1 }));

  it('signs the SHA-256 of a body and sends it as x-partnergate-content-sha256; the upstream holds the body to it', () => {
    const h: Record<string, string> = {};
    writeSignedIdentity(h, key, id, 'POST', '/v1/orders', NOW, body);
    expect(h[CONTENT_SHA256_HEADER]).toBe(contentSha256(body));
    expect(h[ASSERTION_HEADER]).toBe(signAssertion(key, id, 'POST', '/v1/orders', NOW, contentSha256(body)));
    const v = verifyAssertion(key, h, 'POST', '/v1/orders', NOW);
    expect(v.ok && v.content).toBe(contentSha256(body));
    expect(v.ok && checkBody(v.content, body, { acceptUnsigned: false })).toBe(null);
  });

  it('refuses a tampered body, a body where none was signed, and a dropped or altered digest header', () => {
    const h: Record<string, string> = {};
    writeSignedIdentity(h, key, id, 'POST', '/v1/orders', NOW, body);
    const v = verifyAssertion(key, h, 'POST', '/v1/orders', NOW);
    const tampered = Buffer.from(JSON.stringify({ product_code: 'FIBER-10G', quantity: 9 }));
    expect(v.ok && checkBody(v.content, tampered, { acceptUnsigned: true })).toBe('body_mismatch');
    expect(v.ok && checkBody(v.content, null, { acceptUnsigned: true })).toBe('body_mismatch');
    // the digest header swapped for the tampered body's: the signature no longer matches
    expect(verifyAssertion(key, { ...h, [CONTENT_SHA256_HEADER]: contentSha256(tampered) }, 'POST', '/v1/orders', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // dropped: the signed text had a digest line
    const { [CONTENT_SHA256_HEADER]: _dropped, ...without } = h;
    expect(verifyAssertion(key, without, 'POST', '/v1/orders', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // a bodyless request's assertion reused with a body
    const g: Record<string, string> = {};
    writeSignedIdentity(g, key, id, 'POST', '/v1/orders', NOW, null);
    const vg = verifyAssertion(key, g, 'POST', '/v1/orders', NOW);
    expect(vg.ok && vg.content).toBe('');
    expect(vg.ok && checkBody(vg.content, tampered, { acceptUnsigned: true })).toBe('body_mismatch');
    expect(verifyAssertion(key, { ...g, [CONTENT_SHA256_HEADER]: 'zz' }, 'POST', '/v1/orders', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('says UNSIGNED-PAYLOAD when the signer did not see the body; the upstream decides', () => {
    const h: Record<string, string> = {};
    writeSignedIdentity(h, key, id, 'POST', '/v1/orders', NOW);
    expect(h[CONTENT_SHA256_HEADER]).toBe(UNSIGNED_PAYLOAD);
    const v = verifyAssertion(key, h, 'POST', '/v1/orders', NOW);
    expect(v.ok && v.content).toBe(UNSIGNED_PAYLOAD);
    expect(v.ok && checkBody(v.content, body, { acceptUnsigned: false })).toBe('body_unsigned');
    expect(v.ok && checkBody(v.content, body, { acceptUnsigned: true })).toBe(null);
    expect(v.ok && checkBody(v.content, null, { acceptUnsigned: false })).toBe(null);
  });

  it('takes the digest a client declared with RFC 9530 Content-Digest (forward-auth signs it)', () => {
    const b64 = createHash('sha256').update(body).digest('base64');
    expect(declaredContentSha256({ 'content-digest': `sha-256=:${b64}:` })).toBe(contentSha256(body));
    expect(declaredContentSha256({ 'content-digest': `sha-512=:${createHash('sha512').update(body).digest('base64')}:, sha-256=:${b64}:` })).toBe(contentSha256(body));
    expect(declaredContentSha256({ 'content-digest': 'sha-512=:abc=:' })).toBe(null);
    expect(declaredContentSha256({})).toBe(null);
    const h: Record<string, string> = {};
    writeSignedIdentity(h, key, id, 'POST', '/v1/orders', NOW, declaredContentSha256({ 'content-digest': `sha-256=:${b64}:` }));
    const v = verifyAssertion(key, h, 'POST', '/v1/orders', NOW);
    expect(v.ok && checkBody(v.content, body, { acceptUnsigned: false })).toBe(null);
  });
});
