import { describe, expect, it } from 'vitest';
import { authnClaims, compact, consentClaims, memberClaims, wholesalerForCustomerClaims, wholesalerOwnClaims } from './claims.ts';

describe('token claims', () => {
  it('partner persona names the partner as actor and bills the customer BAN it chose', () => {
    const c = consentClaims({ grantId: 'grant-1', partnerId: 'ptr_1', clientId: 'app_1', delegationId: 'dlg_1', tenantId: 'tnt_1', banNumbers: ['BAN-1', 'BAN-2'], billTo: 'BAN-2' });
    expect(c).toEqual({ partner_id: 'ptr_1', persona: 'partner', tenant_id: 'tnt_1', customer_ban: ['BAN-1', 'BAN-2'], bill_to: 'BAN-2', act: { sub: 'ptr_1', client_id: 'app_1' }, dlg: 'dlg_1', gid: 'grant-1' });
  });

  it('wholesaler on its own resources has no actor and no delegation; it bills its own BAN', () => {
    const c = compact(wholesalerOwnClaims({ partnerId: 'ptr_w', homeTenantId: 'tnt_home', homeBan: 'BAN-9' }));
    expect(c).toEqual({ partner_id: 'ptr_w', persona: 'wholesaler', tenant_id: 'tnt_home', customer_ban: ['BAN-9'], bill_to: 'BAN-9' });
    expect(c).not.toHaveProperty('act');
    expect(c).not.toHaveProperty('dlg');
    expect(c).not.toHaveProperty('gid');
  });

  it('wholesaler for a resold customer acts on the customer tenant and still bills its own BAN', () => {
    const c = wholesalerForCustomerClaims({ partnerId: 'ptr_w', clientId: 'app_w', delegationId: 'dlg_w', tenantId: 'tnt_c', banNumbers: ['BAN-C'], billTo: 'BAN-9' });
    expect(c.tenant_id).toBe('tnt_c');
    expect(c.customer_ban).toEqual(['BAN-C']);
    expect(c.bill_to).toBe('BAN-9');
    expect(c.act).toEqual({ sub: 'ptr_w', client_id: 'app_w' });
  });

  it('an MSP user of the partner acts as themselves: the partner as actor, no tenant, account or delegation; the grant named', () => {
    const c = compact(memberClaims({ grantId: 'grant-m', partnerId: 'ptr_m', clientId: 'app_m' }));
    expect(c).toEqual({ partner_id: 'ptr_m', persona: 'msp', act: { sub: 'ptr_m', client_id: 'app_m' }, gid: 'grant-m' });
  });

  it('compact drops members that do not apply', () => {
    expect(compact(wholesalerOwnClaims({ partnerId: 'p', homeTenantId: null, homeBan: null }))).toEqual({ partner_id: 'p', persona: 'wholesaler', customer_ban: [] });
  });

  it('says how the person signed in: amr as given, acr aal2 only with a second factor', () => {
    expect(authnClaims(['pwd'])).toEqual({ amr: ['pwd'], acr: 'urn:partnergate:aal1' });
    expect(authnClaims(['pwd', 'hwk', 'mfa'])).toEqual({ amr: ['pwd', 'hwk', 'mfa'], acr: 'urn:partnergate:aal2' });
    expect(authnClaims(undefined)).toEqual({});
    expect(authnClaims([])).toEqual({});
  });
});

describe('purpose-bound consent', () => {
  const facts = { grantId: 'grt_1', partnerId: 'ptr_1', clientId: 'app_1', delegationId: 'dlg_1', tenantId: 'tnt_1', banNumbers: ['BAN-1'], billTo: 'BAN-1' };
  it('carries the purposes the delegation holds now, and none when it holds none', () => {
    expect(consentClaims({ ...facts, purposes: ['billing_management', 'support'] }).purpose).toEqual(['billing_management', 'support']);
    expect('purpose' in consentClaims({ ...facts, purposes: [] })).toBe(false);
    expect('purpose' in consentClaims(facts)).toBe(false);
  });
});
