/**
 * The Partnergate claims of an access token: distinct, verifiable
 * claims for the authenticated party (partner_id, client_id, act) and for the customer it acts on
 * (tenant_id, customer_ban), who pays (bill_to), which persona, the delegation that authorizes
 * it (dlg, checked live at the gateway) and the grant it was issued from (gid: a revoked grant's
 * tokens are refused at once, checked live too). Pure: the caller looks the facts up.
 *
 * `sub`, `client_id`, `scope`, `aud`, `iss`, `exp`, `iat`, `jti` are set by oidc-provider per
 * RFC 9068: `sub` is the customer admin who consented (authorization code), the MSP user who
 * signed in to the partner's own app, or the app itself (client credentials, token exchange).
 */

export type Persona = 'partner' | 'wholesaler' | 'msp';

export interface PartnergateClaims {
  partner_id: string;
  persona: Persona;
  tenant_id: string | null;
  /** account numbers of the customer's billing accounts the token covers (none for an MSP user) */
  customer_ban?: string[];
  /** account number billed for what the request orders */
  bill_to: string | null;
  /** RFC 8693 §4.1 actor: the partner (and its app) acting for the customer */
  act?: { sub: string; client_id: string };
  /** the delegation that authorizes the token */
  dlg?: string;
  /** the grant (authorization) the token was issued from: absent for client credentials and token exchange */
  gid?: string;
  /** the purposes (catalog ids) the customer granted the access for and has not revoked (CAMARA purpose-bound consent) */
  purpose?: string[];
}

/**
 * How the person behind a token signed in: RFC 8176 `amr` and an `acr` (NIST
 * SP 800-63B level) — from the sign-in the authorization code or refresh token carries. The
 * gateway and decide() refuse partner people without "mfa" where an MFA policy applies.
 */
export function authnClaims(amr: readonly string[] | null | undefined): { amr?: string[]; acr?: string } {
  if (!amr || amr.length === 0) return {};
  const list = amr.filter((x) => typeof x === 'string');
  return { amr: list, acr: list.includes('mfa') ? 'urn:partnergate:aal2' : 'urn:partnergate:aal1' };
}

export interface ConsentFacts {
  grantId: string;
  partnerId: string;
  clientId: string;
  delegationId: string;
  tenantId: string;
  banNumbers: string[];
  billTo: string | null;
  /** the consent delegation's purposes now (a revoked one is no longer carried by the tokens issued after it) */
  purposes?: readonly string[];
}

/** Partner persona: an app the customer connected on the consent screen; the customer is billed. */
export function consentClaims(f: ConsentFacts): PartnergateClaims {
  return {
    partner_id: f.partnerId,
    persona: 'partner',
    tenant_id: f.tenantId,
    customer_ban: f.banNumbers,
    bill_to: f.billTo,
    act: { sub: f.partnerId, client_id: f.clientId },
    dlg: f.delegationId,
    gid: f.grantId,
    ...purposeClaim(f.purposes),
  };
}

export interface WholesalerFacts {
  partnerId: string;
  homeTenantId: string | null;
  homeBan: string | null;
}

/** Wholesaler on its own resources (client credentials): its home tenant, billed to its own BAN. */
export function wholesalerOwnClaims(f: WholesalerFacts): PartnergateClaims {
  return {
    partner_id: f.partnerId,
    persona: 'wholesaler',
    tenant_id: f.homeTenantId,
    customer_ban: f.homeBan ? [f.homeBan] : [],
    bill_to: f.homeBan,
  };
}

export interface ResoldFacts {
  partnerId: string;
  clientId: string;
  delegationId: string;
  tenantId: string;
  banNumbers: string[];
  /** the wholesaler's own account number (the wholesale delegation's bill_to) */
  billTo: string | null;
  /** the wholesale delegation's purposes now */
  purposes?: readonly string[];
}

/** Wholesaler acting for a resold end customer (token exchange): still billed to the wholesaler. */
export function wholesalerForCustomerClaims(f: ResoldFacts): PartnergateClaims {
  return {
    partner_id: f.partnerId,
    persona: 'wholesaler',
    tenant_id: f.tenantId,
    customer_ban: f.banNumbers,
    bill_to: f.billTo,
    act: { sub: f.partnerId, client_id: f.clientId },
    dlg: f.delegationId,
    ...purposeClaim(f.purposes),
  };
}

export interface MemberFacts {
  grantId: string;
  partnerId: string;
  clientId: string;
  /** the purposes the app asked for when the member signed in (active catalog ids) */
  purposes?: readonly string[];
}

/**
 * MSP persona: a member of the partner signed in to the partner's own app and acts as themselves
 * (`sub` = the user). No tenant, account or delegation: the user picks the tenant per request
 * (X-Active-Tenant-Id) and the gateway decides it through the partner's link delegations. The
 * purposes the app asked for ride along: on a route for a purpose, the gateway wants both the
 * token's purpose and the link's.
 */
export function memberClaims(f: MemberFacts): PartnergateClaims {
  return {
    partner_id: f.partnerId,
    persona: 'msp',
    tenant_id: null,
    bill_to: null,
    act: { sub: f.partnerId, client_id: f.clientId },
    gid: f.grantId,
    ...purposeClaim(f.purposes),
  };
}

/** The `purpose` claim (CAMARA purpose-bound consent): present when there is a purpose to carry. */
function purposeClaim(purposes: readonly string[] | undefined): Pick<PartnergateClaims, 'purpose'> {
  return purposes && purposes.length > 0 ? { purpose: [...purposes] } : {};
}

/** Any other token issued from a grant still names it (so revoking the grant refuses it too). */
export function grantClaim(grantId: string): Pick<PartnergateClaims, 'gid'> {
  return { gid: grantId };
}

/** Drop null members so the JWT carries only what applies. */
export function compact(c: PartnergateClaims): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null && v !== undefined));
}
