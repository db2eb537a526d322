/** The signed gateway assertion: what the gateway signs, the upstream verifies; anything else is refused. */
import { describe, expect, it } from 'vitest';
import { ASSERTION_HEADER, IDENTITY_HEADERS, deriveAssertionKey, identityHeaderValues, signAssertion, verifyAssertion, writeSignedIdentity, type GatewayIdentity } from './assertion.ts';

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
    expect(r).toEqual({ ok: true, identity: id });
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
    writeSignedIdentity(out, key, id, 'get', '/v1/orders?ban=1', 1_750_000_000_000);
    expect(out).toEqual({ accept: '*/*', ...identityHeaderValues(id), [ASSERTION_HEADER]: signAssertion(key, id, 'GET', '/v1/orders?ban=1', 1_750_000_000_000) });
    const v = verifyAssertion(key, out, 'GET', '/v1/orders?ban=1', 1_750_000_000_000);
    expect(v.ok && v.identity).toEqual(id);
  });
});
