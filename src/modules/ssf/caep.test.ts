import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/index.ts';
import { CAEP_CREDENTIAL_CHANGE, CAEP_SESSION_REVOKED, CAEP_TOKEN_CLAIMS_CHANGE, signalsFor, type Lookups } from './caep.ts';

const lookups: Lookups = {
  oauthIssuer: 'https://pg.example/oauth',
  partnerOfUser: (u) => (u === 'usr_partner' ? 'ptr_a' : null),
  tenantsOfUser: (u) => (u === 'usr_customer' ? ['tnt_1'] : []),
  partnersOfTenant: (t) => (t === 'tnt_1' ? ['ptr_a', 'ptr_b'] : []),
};
const tenantSub = { format: 'complex', tenant: { format: 'opaque', id: 'tnt_1' } };
const person = (sub: string) => ({ format: 'iss_sub', iss: 'https://pg.example/oauth', sub });

/** audit entry → [event, subject, recipients] of each signal */
const CASES: [string, AuditEntry, [string, unknown, unknown][]][] = [
  ['break-glass revocation', { action: 'delegation.revoked', tenantId: 'tnt_1', partnerId: 'ptr_a', targetId: 'dlg_1', details: { reason: 'break-glass: stolen laptop' } }, [[CAEP_SESSION_REVOKED, tenantSub, { partners: ['ptr_a'] }]]],
  ['expiry', { action: 'delegation.expired', tenantId: 'tnt_1', partnerId: 'ptr_a', targetId: 'dlg_1' }, [[CAEP_SESSION_REVOKED, tenantSub, { partners: ['ptr_a'] }]]],
  ['access changed', { action: 'delegation.access_changed', tenantId: 'tnt_1', partnerId: 'ptr_a', targetId: 'dlg_1' }, [[CAEP_TOKEN_CLAIMS_CHANGE, tenantSub, { partners: ['ptr_a'] }]]],
  ['consent withdrawn: its app only', { action: 'oauth.grant_revoked', tenantId: 'tnt_1', partnerId: 'ptr_a', details: { client_id: 'app_1' } }, [[CAEP_SESSION_REVOKED, tenantSub, { app: 'app_1' }]]],
  ['member grant withdrawn', { action: 'oauth.member_grant_revoked', partnerId: 'ptr_a', targetId: 'app_1', details: { user_id: 'usr_partner' } }, [[CAEP_SESSION_REVOKED, person('usr_partner'), { app: 'app_1' }]]],
  ['SCIM deactivation on the partner side', { action: 'scim.user_deactivated', partnerId: 'ptr_a', targetId: 'usr_partner' }, [[CAEP_SESSION_REVOKED, person('usr_partner'), { partners: ['ptr_a'] }]]],
  ['customer member removed: partners acting for it', { action: 'tenant.member_removed', tenantId: 'tnt_1', targetId: 'usr_customer' }, [[CAEP_SESSION_REVOKED, person('usr_customer'), { partners: ['ptr_a', 'ptr_b'] }]]],
  ['account disabled: found through the snapshot', { action: 'user.disabled', targetId: 'usr_customer' }, [[CAEP_SESSION_REVOKED, person('usr_customer'), { partners: ['ptr_a', 'ptr_b'] }]]],
  ['account of nobody a partner acts for: nothing', { action: 'user.disabled', targetId: 'usr_alone' }, []],
  ['secret rotated', { action: 'app.secret_rotated', partnerId: 'ptr_a', targetId: 'app_1' }, [[CAEP_CREDENTIAL_CHANGE, { format: 'opaque', id: 'app_1' }, { app: 'app_1' }]]],
  ['a refused attempt: nothing', { action: 'delegation.revoked', tenantId: 'tnt_1', partnerId: 'ptr_a', outcome: 'denied' }, []],
  ['an unrelated change: nothing', { action: 'partner.approved', partnerId: 'ptr_a' }, []],
];

describe('signalsFor', () => {
  it.each(CASES)('%s', (_name, entry, expected) => {
    const got = signalsFor(entry, 1_700_000_000, lookups).map((s) => [s.event, s.subId, s.to]);
    expect(got).toEqual(expected);
  });

  it('says a break-glass in words and stamps the time', () => {
    const [s] = signalsFor({ action: 'delegation.revoked', tenantId: 'tnt_1', partnerId: 'ptr_a', details: { reason: 'break-glass: stolen laptop' } }, 1_700_000_000, lookups);
    expect(s?.members).toEqual({ event_timestamp: 1_700_000_000, initiating_entity: 'admin', reason_admin: { en: 'Break-glass: every access of the partner to this customer was revoked at once (stolen laptop).' } });
  });
});
