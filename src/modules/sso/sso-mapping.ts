/**
 * Pure decisions of single sign-on, unit-tested as tables (sso-mapping.test.ts): which member role the
 * provider's groups give, whether the provider's sign-in counts as MFA, and what an address's domain is.
 */
import { canonicalEmail } from '../../platform/email-address.ts';
import { SsoProtocolError, type UpstreamIdentity } from './sso.types.ts';

export type OrgType = 'partner' | 'tenant';

/**
 * The member roles single sign-on may give, per kind of organization, broadest first, in words.
 * A partner's people join as staff with a member role; single sign-on never makes anyone an owner.
 * A tenant's people are members or administrators.
 */
export const SSO_ROLES: Record<OrgType, readonly { id: string; name: string; description: string }[]> = {
  partner: [
    { id: 'partner_msp_full', name: 'Partner staff — all customer work', description: 'Works on every customer the partner manages, within what each customer allowed.' },
    { id: 'partner_msp_billing', name: 'Billing', description: 'Invoices, usage and billing accounts of the customers.' },
    { id: 'partner_msp_support', name: 'Support', description: 'Tickets, services and service levels of the customers.' },
    { id: 'partner_auditor', name: 'Auditor (read only)', description: 'Reads what the partner does; changes nothing.' },
  ],
  tenant: [
    { id: 'TENANT_ADMIN', name: 'Administrator', description: 'Manages the organization: people, partners, billing accounts and settings.' },
    { id: 'TENANT_USER', name: 'Member', description: 'Uses the portal: reads invoices, orders, tickets and usage.' },
  ],
};

export function isSsoRole(orgType: OrgType, role: string): boolean {
  return SSO_ROLES[orgType].some((r) => r.id === role);
}

export function roleName(orgType: OrgType, role: string): string {
  return SSO_ROLES[orgType].find((r) => r.id === role)?.name ?? role;
}

export interface GroupMapping {
  group: string;
  role: string;
}

/**
 * The role the provider's groups give: the broadest role among the mapped groups the person is in
 * (group names compared without regard to case), else the default role. `matched` lists the groups
 * that counted, for the audit and the test sign-in page.
 */
export function roleFromGroups(orgType: OrgType, groups: readonly string[], mappings: readonly GroupMapping[], defaultRole: string): { role: string; matched: string[] } {
  const mine = new Set(groups.map((g) => g.toLowerCase()));
  const hits = mappings.filter((m) => mine.has(m.group.toLowerCase()) && isSsoRole(orgType, m.role));
  if (hits.length === 0) return { role: defaultRole, matched: [] };
  const order = SSO_ROLES[orgType].map((r) => r.id);
  const role = order.find((id) => hits.some((h) => h.role === id))!;
  return { role, matched: hits.map((h) => h.group) };
}

/**
 * RFC 8176 `amr` values that prove more than one factor or a strong one, and `acr` values that name
 * multi-factor assurance (NIST 800-63 AAL2/AAL3, REFEDS MFA, Microsoft's and SAML's MFA contexts).
 */
const MFA_AMR = new Set(['mfa', 'otp', 'hwk', 'swk', 'sc', 'sms', 'tel', 'fpt', 'face', 'iris', 'retina', 'vbm']);
const MFA_ACR = [
  /aal[23]$/i,
  /^https:\/\/refeds\.org\/profile\/mfa$/i,
  /^http:\/\/schemas\.microsoft\.com\/claims\/multipleauthn$/i,
  /^urn:oasis:names:tc:SAML:2\.0:ac:classes:(MobileTwoFactorContract|TimeSyncToken|Smartcard|SmartcardPKI|MultiFactor)/i,
  /mfa/i,
];

/** Did the provider say the person used a second factor (amr values or an acr of multi-factor assurance)? */
export function upstreamUsedMfa(authnMethods: readonly string[]): boolean {
  return authnMethods.some((m) => MFA_AMR.has(m.toLowerCase()) || MFA_ACR.some((re) => re.test(m)));
}

/** The session's amr: "sso", plus "mfa" only when the provider's MFA happened and the organization trusts it. */
export function sessionAmr(authnMethods: readonly string[], trustUpstreamMfa: boolean): string[] {
  return trustUpstreamMfa && upstreamUsedMfa(authnMethods) ? ['sso', 'mfa'] : ['sso'];
}

/** The lower-case domain of an e-mail address, or null when it is not one. */
export function emailDomain(email: string): string | null {
  const at = email.trim().lastIndexOf('@');
  if (at < 1) return null;
  const d = email.trim().slice(at + 1).toLowerCase().replace(/\.$/, '');
  return /^[a-z0-9.-]+\.[a-z0-9-]+$/.test(d) ? d : null;
}

/**
 * A portal path to land on after signing in, or null. Parsed as a browser parses it (WHATWG URL, against a base
 * of this site), so what a browser would turn into another origin is refused whatever it looks like as text: a
 * scheme, `//host`, a backslash, or a tab or newline between the slashes (which browsers drop). Only the path,
 * query and fragment are kept.
 */
export function safeReturnTo(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 500 || !v.startsWith('/')) return null;
  // any control character (C0, DEL) or backslash: never part of a portal path, and each a way to fool a check
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return null;
  }
  const base = 'https://return-to.invalid';
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  return url.pathname + url.search + url.hash;
}

/**
 * The provider's identity with its address in the one spelling every lookup uses (platform/email-address.ts): a
 * trailing dot, upper case or an international domain name never makes a second account, and an address with two
 * `@` (or none) signs nobody in.
 */
export function canonicalIdentity(identity: UpstreamIdentity): UpstreamIdentity {
  const email = canonicalEmail(identity.email);
  if (email === null) throw new SsoProtocolError('sso.missing_email', `The provider sent "${identity.email.slice(0, 100)}", which is not one e-mail address.`);
  return email === identity.email ? identity : { ...identity, email };
}
