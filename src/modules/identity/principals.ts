/** Turning an authenticated user into a Principal, and /me — shared by sessions and API tokens. */
import { loadMemberships, type Memberships } from './membership-reads.ts';
import { LANGUAGES, negotiateLocale } from '../../platform/i18n/locales.ts';
import type { Db } from '../../platform/db/database.ts';
import { withDbContext } from '../../platform/db/db-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type * as repo from './identity.repo.ts';
import { findUserById } from './identity.repo.ts';

/** An authenticated user's memberships, read in that user's database context (its own rows). */
function memberships(db: Db, userId: string): Promise<Memberships> {
  return withDbContext({ kind: 'user', userId }, () => loadMemberships(db.kysely, userId));
}

export async function principalOf(db: Db, user: repo.PrincipalUser, kind: Principal['kind'], extra: PrincipalExtra): Promise<Principal> {
  return principalFrom(user, await memberships(db, user.id), kind, extra);
}

type PrincipalExtra = { sessionId?: string; csrfToken?: string; tokenId?: string; amr?: readonly string[] };

function principalFrom(user: repo.PrincipalUser, m: Memberships, kind: Principal['kind'], extra: PrincipalExtra): Principal {
  return {
    kind,
    userId: user.id,
    email: user.email,
    name: user.name,
    userStatus: user.status,
    platformRole: user.platform_role,
    tenants: m.tenants.map(({ tenantId, role, tenantStatus }) => ({ tenantId, role, tenantStatus })),
    partner: m.partner
      ? { partnerId: m.partner.partnerId, role: m.partner.role, memberStatus: m.partner.memberStatus, partnerStatus: m.partner.partnerStatus, capabilities: m.partner.capabilities }
      : null,
    sessionId: extra.sessionId ?? null,
    csrfToken: extra.csrfToken ?? null,
    tokenId: extra.tokenId ?? null,
    ...(extra.amr ? { amr: extra.amr, mfa: extra.amr.includes('mfa') } : {}),
    // read with the credential and the memberships above: problems follow the reader's language without a read of their own
    locale: { person: user.locale, organization: m.organizationLocale },
  };
}

/**
 * The person a sign-in has just opened a session for, from the account it read and the
 * memberships its transaction read with its COMMIT (`known`; else one read now): their principal
 * and their /me.
 */
export async function describeSignedIn(db: Db, user: repo.UserRow, extra: PrincipalExtra, acceptLanguage?: string | null, known?: Promise<Memberships>) {
  const m = await (known ?? memberships(db, user.id));
  const principal = principalFrom(user, m, 'session', extra);
  return { principal, me: describeWith(principal, m, user, acceptLanguage) };
}

/** /me: the user and their memberships with display names. */
export async function describePrincipal(db: Db, principal: Principal, acceptLanguage?: string | null) {
  const [m, pw] = await Promise.all([memberships(db, principal.userId), findUserById(db.kysely, principal.userId)]);
  return describeWith(principal, m, pw, acceptLanguage);
}

function describeWith(principal: Principal, m: Memberships, pw: repo.UserRow | undefined, acceptLanguage?: string | null) {
  // the person's choice and their organization's default as locale-reads.ts says them (the memberships read carries it)
  const pref = { person: pw?.locale ?? null, organization: m.organizationLocale };
  return {
    // the name and e-mail as stored now (a principal from the indexes carries them as last read)
    user: { id: principal.userId, email: pw?.email ?? principal.email, name: pw?.name ?? principal.name, status: principal.userStatus, platform_role: principal.platformRole },
    platform_roles: principal.platformRole ? [principal.platformRole] : [],
    tenants: m.tenants.map((t) => ({ tenant_id: t.tenantId, slug: t.tenantSlug, name: t.tenantName, status: t.tenantStatus, role: t.role })),
    partner: m.partner
      ? {
          partner_id: m.partner.partnerId,
          slug: m.partner.partnerSlug,
          name: m.partner.partnerName,
          role: m.partner.role,
          member_status: m.partner.memberStatus,
          partner_status: m.partner.partnerStatus,
          capabilities: m.partner.capabilities,
        }
      : null,
    auth: principal.kind,
    mfa: principal.mfa === true,
    has_password: (pw?.password_hash ?? null) !== null,
    csrf_token: principal.csrfToken,
    locale: {
      current: negotiateLocale({ ...pref, acceptLanguage }),
      chosen: pref.person,
      organization: pref.organization,
      available: [...LANGUAGES],
    },
  };
}
