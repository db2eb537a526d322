/**
 * Which audited changes a partner app is told of, as OpenID CAEP 1.0 events inside Security Event
 * Tokens (RFC 8417), and to whom. Pure: the audit entry, the time and the lookups come in as
 * arguments (lookups answer from the decision snapshot, in memory), so the cases are a table.
 *
 *  - a link or consent revoked (one by one, or all at once by a break-glass) or expired: the
 *    partner's apps learn the customer's session ended (`session-revoked`, subject the tenant);
 *    a consent revoked names its own app;
 *  - what a link covers changed: `token-claims-change` (subject the tenant);
 *  - a person deprovisioned (SCIM deactivate, member removed, account disabled) or one of their
 *    sessions ended: `session-revoked` with the person as subject (`iss_sub`: the authorization
 *    server and the `sub` of their tokens), to the apps of the partner they belong to, or of the
 *    partners acting for the customer they belong to;
 *  - an app's client secret rotated: `credential-change` to that app.
 */
import type { AuditEntry } from '../audit/index.ts';

export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const CAEP_CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
export const CAEP_TOKEN_CLAIMS_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change';
/** SSF 1.0 §8.1.4: the event a receiver asks for to check its stream works */
export const SSF_VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
/** RFC 8935 push delivery (SSF 1.0 §8.1.1 delivery method URN) */
export const PUSH_DELIVERY = 'urn:ietf:rfc:8935';

export const CAEP_EVENTS = [CAEP_SESSION_REVOKED, CAEP_CREDENTIAL_CHANGE, CAEP_TOKEN_CLAIMS_CHANGE] as const;

/** Each event in words (the portal, the docs). */
export const EVENT_WORDS: Readonly<Record<string, string>> = {
  [CAEP_SESSION_REVOKED]: 'Access ended (a customer revoked access, a break-glass, a person deprovisioned)',
  [CAEP_CREDENTIAL_CHANGE]: "The app's client secret was changed",
  [CAEP_TOKEN_CLAIMS_CHANGE]: 'What an access covers changed',
  [SSF_VERIFICATION]: 'Test event',
};

/** An RFC 9493 subject identifier, or SSF 1.0's complex one (§3.2). */
export type SubjectId =
  | { format: 'complex'; tenant: { format: 'opaque'; id: string } }
  | { format: 'iss_sub'; iss: string; sub: string }
  | { format: 'opaque'; id: string };

export type Recipients = { partners: string[] } | { app: string };

export interface Signal {
  event: string;
  subId: SubjectId;
  /** the CAEP event's own members */
  members: Record<string, unknown>;
  to: Recipients;
}

export interface Lookups {
  /** the authorization server's issuer: the `iss` of the people's tokens */
  oauthIssuer: string;
  partnerOfUser(userId: string): string | null;
  tenantsOfUser(userId: string): string[];
  /** the partners holding any delegation on the tenant */
  partnersOfTenant(tenantId: string): string[];
}

const words = (en: string) => ({ en });
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

const PERSON_ACTIONS: Readonly<Record<string, string>> = {
  'scim.user_deactivated': 'The person was deactivated by their organization’s directory (SCIM).',
  'scim.user_deleted': 'The person was removed by their organization’s directory (SCIM).',
  'partner.user_removed': 'The person was removed from the partner organization.',
  'tenant.member_removed': 'The person was removed from the customer organization.',
  'user.disabled': 'The person’s account was disabled.',
  'user.session_ended': 'One of the person’s sessions was ended.',
};

/** The signals an audited change makes (none for most). `nowSec`: the event's time, seconds. */
export function signalsFor(entry: AuditEntry, nowSec: number, l: Lookups): Signal[] {
  if (entry.outcome && entry.outcome !== 'success') return [];
  const d = entry.details ?? {};
  const a = entry.action;
  const tenantSubject = (id: string): SubjectId => ({ format: 'complex', tenant: { format: 'opaque', id } });
  if ((a === 'delegation.revoked' || a === 'delegation.expired') && entry.tenantId && entry.partnerId) {
    const reason = str(d.reason);
    const breakGlass = reason?.startsWith('break-glass') === true;
    const text =
      a === 'delegation.expired'
        ? 'The access reached its end date.'
        : breakGlass
          ? `Break-glass: every access of the partner to this customer was revoked at once (${reason!.replace(/^break-glass:\s*/, '')}).`
          : `The access to this customer was revoked${reason ? ` (${reason})` : ''}.`;
    return [{ event: CAEP_SESSION_REVOKED, subId: tenantSubject(entry.tenantId), members: { event_timestamp: nowSec, initiating_entity: a === 'delegation.expired' ? 'policy' : 'admin', reason_admin: words(text) }, to: { partners: [entry.partnerId] } }];
  }
  if (a === 'delegation.access_changed' && entry.tenantId && entry.partnerId) {
    const claims: Record<string, unknown> = { tenant_id: entry.tenantId, ...(entry.targetId ? { dlg: entry.targetId } : {}) };
    return [{ event: CAEP_TOKEN_CLAIMS_CHANGE, subId: tenantSubject(entry.tenantId), members: { event_timestamp: nowSec, initiating_entity: 'admin', claims, reason_admin: words('The customer changed what this access covers (billing accounts or permissions).') }, to: { partners: [entry.partnerId] } }];
  }
  if (a === 'oauth.grant_revoked' && entry.tenantId && str(d.client_id)) {
    return [{ event: CAEP_SESSION_REVOKED, subId: tenantSubject(entry.tenantId), members: { event_timestamp: nowSec, initiating_entity: 'admin', reason_admin: words('The customer withdrew this app’s permission to act for it.') }, to: { app: String(d.client_id) } }];
  }
  if (a === 'oauth.member_grant_revoked' && entry.targetId && str(d.user_id)) {
    return [{ event: CAEP_SESSION_REVOKED, subId: { format: 'iss_sub', iss: l.oauthIssuer, sub: String(d.user_id) }, members: { event_timestamp: nowSec, initiating_entity: 'admin', reason_admin: words('The person’s permission for this app was withdrawn.') }, to: { app: entry.targetId } }];
  }
  if (a in PERSON_ACTIONS && entry.targetId) {
    const userId = entry.targetId;
    const partners = new Set<string>();
    if (entry.partnerId) partners.add(entry.partnerId);
    if (entry.tenantId) for (const p of l.partnersOfTenant(entry.tenantId)) partners.add(p);
    if (!entry.partnerId && !entry.tenantId) {
      const own = l.partnerOfUser(userId);
      if (own) partners.add(own);
      for (const t of l.tenantsOfUser(userId)) for (const p of l.partnersOfTenant(t)) partners.add(p);
    }
    if (partners.size === 0) return [];
    return [{ event: CAEP_SESSION_REVOKED, subId: { format: 'iss_sub', iss: l.oauthIssuer, sub: userId }, members: { event_timestamp: nowSec, initiating_entity: a === 'user.session_ended' ? 'policy' : 'admin', reason_admin: words(PERSON_ACTIONS[a]!) }, to: { partners: [...partners].sort() } }];
  }
  if (a === 'app.secret_rotated' && entry.targetId) {
    return [{ event: CAEP_CREDENTIAL_CHANGE, subId: { format: 'opaque', id: entry.targetId }, members: { event_timestamp: nowSec, initiating_entity: 'user', credential_type: 'client_secret', change_type: 'update', reason_admin: words('The app’s client secret was replaced; the old one no longer works.') }, to: { app: entry.targetId } }];
  }
  return [];
}

/** The SET's claims (RFC 8417 §2.2, SSF 1.0 §4: `sub_id` at the top level). */
export function setClaims(s: { iss: string; aud: string; jti: string; iat: number; txn: string; event: string; subId: SubjectId | Record<string, unknown>; members: Record<string, unknown> }): Record<string, unknown> {
  return { iss: s.iss, aud: s.aud, jti: s.jti, iat: s.iat, txn: s.txn, sub_id: s.subId, events: { [s.event]: s.members } };
}
