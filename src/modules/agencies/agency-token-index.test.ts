/** Token verification against the in-memory index, as a table of states and verdicts. */
import { describe, expect, it } from 'vitest';
import { SecretHasher } from '../../platform/crypto.ts';
import { AgencyTokenIndex } from './agency-token-index.ts';
import { newAgencyToken } from './agency-token.ts';

const hasher = new SecretHasher('unit-test-secret-key-0123456789-abcdef');
const FORM = JSON.stringify({ allowed_voucher_types: ['credit_10'], intro_text: 'Hi', rules_list: [] });

function world(over: { token?: 'active' | 'revoked'; agency?: 'active' | 'inactive'; tenant?: string; agencyTenant?: string; tenantKnown?: boolean } = {}) {
  const index = new AgencyTokenIndex(hasher);
  const token = newAgencyToken();
  if (over.tenantKnown !== false) index.putTenant('tnt_a', { name: 'Acme', status: over.tenant ?? 'active' });
  index.putTenant('tnt_b', { name: 'Beta', status: 'active' });
  index.putAgency({ id: 'agy_1', tenant_id: over.agencyTenant ?? 'tnt_a', name: 'Sunrise', status: over.agency ?? 'active' });
  index.putToken({ id: 'agt_1', tenant_id: 'tnt_a', partner_agency_id: 'agy_1', label: 'Web', status: over.token ?? 'active', token_hash: hasher.hash(token), form_config: FORM });
  return { index, token };
}

describe('AgencyTokenIndex.verify', () => {
  const CASES: [string, Parameters<typeof world>[0], string | null][] = [
    ['an active token of an active agency of an active tenant', {}, null],
    ['a revoked token', { token: 'revoked' }, 'agency_token_revoked'],
    ['a deactivated agency', { agency: 'inactive' }, 'agency_inactive'],
    ['a suspended tenant', { tenant: 'suspended' }, 'agency_tenant_inactive'],
    ['a closed tenant', { tenant: 'closed' }, 'agency_tenant_inactive'],
    ["an agency recorded under another tenant than its token's", { agencyTenant: 'tnt_b' }, 'agency_token_invalid'],
    ['a tenant the index does not know', { tenantKnown: false }, 'agency_token_invalid'],
  ];
  it.each(CASES)('%s', (_name, state, code) => {
    const { index, token } = world(state);
    const v = index.verify(token);
    if (code === null) {
      expect(v).toEqual({
        ok: true,
        principal: { tokenId: 'agt_1', tenantId: 'tnt_a', tenantName: 'Acme', agencyId: 'agy_1', agencyName: 'Sunrise', label: 'Web', formConfig: { allowed_voucher_types: ['credit_10'], intro_text: 'Hi', rules_list: [] } },
      });
    } else {
      expect(v).toMatchObject({ ok: false, code });
    }
  });

  it('refuses malformed and unknown tokens without a match', () => {
    const { index, token } = world();
    for (const t of ['', 'pgagt_', token.slice(0, -1), token + 'A', newAgencyToken(), token.toUpperCase()]) expect(index.verify(t)).toMatchObject({ ok: false, code: 'agency_token_invalid' });
  });

  it('a rotation replaces the hash: the old secret stops matching, the new one works', () => {
    const { index, token } = world();
    const fresh = newAgencyToken();
    index.putToken({ id: 'agt_1', tenant_id: 'tnt_a', partner_agency_id: 'agy_1', label: 'Web', status: 'active', token_hash: hasher.hash(fresh), form_config: FORM });
    expect(index.verify(token)).toMatchObject({ ok: false, code: 'agency_token_invalid' });
    expect(index.verify(fresh).ok).toBe(true);
    expect(index.size).toBe(1);
  });
});
