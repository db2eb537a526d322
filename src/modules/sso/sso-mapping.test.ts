import { describe, expect, it } from 'vitest';
import { emailDomain, roleFromGroups, safeReturnTo, sessionAmr, upstreamUsedMfa } from './sso-mapping.ts';

describe('role from groups', () => {
  const partnerMap = [
    { group: 'Billing', role: 'partner_msp_billing' },
    { group: 'helpdesk', role: 'partner_msp_support' },
    { group: 'Engineers', role: 'partner_msp_full' },
  ];
  const cases: [string, string[], string, string[]][] = [
    ['no group: the default role', [], 'partner_auditor', []],
    ['one mapped group', ['billing'], 'partner_msp_billing', ['Billing']],
    ['several: the broadest', ['HelpDesk', 'Billing'], 'partner_msp_billing', ['Billing', 'helpdesk']],
    ['full access beats the rest', ['helpdesk', 'Engineers'], 'partner_msp_full', ['helpdesk', 'Engineers']],
    ['unmapped groups do nothing', ['Sales'], 'partner_auditor', []],
  ];
  for (const [name, groups, role, matched] of cases) {
    it(name, () => {
      const r = roleFromGroups('partner', groups, partnerMap, 'partner_auditor');
      expect(r.role).toBe(role);
      expect(r.matched.sort()).toEqual(matched.sort());
    });
  }
  it('a mapping to a role of the other kind of organization never counts', () => {
    expect(roleFromGroups('tenant', ['Billing'], partnerMap, 'TENANT_USER').role).toBe('TENANT_USER');
    expect(roleFromGroups('tenant', ['Admins'], [{ group: 'admins', role: 'TENANT_ADMIN' }], 'TENANT_USER').role).toBe('TENANT_ADMIN');
  });
});

describe('upstream MFA', () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['pwd'], false],
    [['pwd', 'mfa'], true],
    [['pwd', 'otp'], true],
    [['hwk'], true],
    [['urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'], false],
    [['urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract'], true],
    [['http://schemas.microsoft.com/claims/multipleauthn'], true],
    [['https://refeds.org/profile/mfa'], true],
    [['urn:example:aal2'], true],
    [['urn:example:aal1'], false],
  ];
  for (const [amr, mfa] of cases) it(`${JSON.stringify(amr)} → ${mfa}`, () => expect(upstreamUsedMfa(amr)).toBe(mfa));
  it('counts only when the organization trusts it', () => {
    expect(sessionAmr(['pwd', 'mfa'], true)).toEqual(['sso', 'mfa']);
    expect(sessionAmr(['pwd', 'mfa'], false)).toEqual(['sso']);
    expect(sessionAmr(['pwd'], true)).toEqual(['sso']);
  });
});

describe('addresses and return paths', () => {
  it('e-mail domains', () => {
    expect(emailDomain('Ann@Example.COM')).toBe('example.com');
    expect(emailDomain('ann')).toBeNull();
    expect(emailDomain('@example.com')).toBeNull();
    expect(emailDomain('ann@localhost')).toBeNull();
  });
  it('return paths stay on this site', () => {
    expect(safeReturnTo('/partner/customers')).toBe('/partner/customers');
    expect(safeReturnTo('//evil.example')).toBeNull();
    expect(safeReturnTo('https://evil.example')).toBeNull();
    expect(safeReturnTo('/\\evil.example')).toBeNull();
    expect(safeReturnTo(undefined)).toBeNull();
    // what browsers normalise into another origin: a tab, a newline or a backslash between the slashes
    expect(safeReturnTo('/\t/evil.example')).toBeNull();
    expect(safeReturnTo('/\n/evil.example')).toBeNull();
    expect(safeReturnTo('/%09/evil.example')).toBe('/%09/evil.example');
    expect(safeReturnTo('/\\/evil.example')).toBeNull();
    expect(safeReturnTo(`/${String.fromCharCode(0)}/evil.example`)).toBeNull();
    expect(safeReturnTo('/ /evil.example')).toBe('/%20/evil.example');
    // only the path, query and fragment are kept
    expect(safeReturnTo('/partner/customers?tab=open#top')).toBe('/partner/customers?tab=open#top');
    expect(safeReturnTo('/../../partner')).toBe('/partner');
  });
});
