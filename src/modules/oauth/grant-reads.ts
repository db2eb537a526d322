/**
 * What a grant stands on, read on every refresh and token request for it: a cross-table read model
 * (table-owners.ts READERS). A consent's grant with its delegation, the delegation's tenant status
 * and the consenting user; a member grant's user, their membership of the partner, the partner and
 * the app. Each is one statement on the token path (the consent's compiled once), where asking the
 * delegations, tenants, identity, partners and apps modules in turn would add a round trip each.
 */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import type { DelegationsTable } from '../../platform/db/schema.ts';

type DelegationRow = Selectable<DelegationsTable>;

export interface ConsentRecord {
  grant_id: string;
  user_id: string;
  client_id: string;
  delegation: DelegationRow;
  tenant_status: string;
  /** the customer admin who consented (the grant's account), as they are now; null when the user is gone */
  user: { id: string; name: string; email: string; status: string } | null;
}

/**
 * The consent behind a grant, with its delegation and the consenting user as they are now: one
 * statement answers the grant's liveness, its token claims and the library's account lookup
 * (oauth.service.ts keeps it for the rest of the request).
 */
export async function findConsentByGrant(db: Executor, grantId: string): Promise<ConsentRecord | undefined> {
  const r = (await consentByGrant(db, grantId)).rows[0];
  if (!r) return undefined;
  const { grant_id, consent_user_id, consent_client_id, tenant_status, u_id, u_name, u_email, u_status, ...delegation } = r;
  const user = u_id !== null && u_name !== null && u_email !== null && u_status !== null ? { id: u_id, name: u_name, email: u_email, status: u_status } : null;
  return { grant_id, user_id: consent_user_id, client_id: consent_client_id, tenant_status, user, delegation: delegation as DelegationRow };
}

/** Every refresh asks it: compiled once (platform/db/prepared.ts). */
const consentByGrant = prepared(1, (db, grantId) =>
  db
    .selectFrom('oauth_consents as c')
    .innerJoin('delegations as d', 'd.id', 'c.delegation_id')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .selectAll('d')
    .select(['c.grant_id', 'c.user_id as consent_user_id', 'c.client_id as consent_client_id', 't.status as tenant_status', 'u.id as u_id', 'u.name as u_name', 'u.email as u_email', 'u.status as u_status'])
    .where('c.grant_id', '=', grantId),
);

/** A member grant's live facts: the user's status, their membership of the partner, the partner's standing and the app's. */
export function findMemberGrantFacts(db: Executor, mark: { user_id: string; partner_id: string; client_id: string }) {
  return db
    .selectFrom('users as u')
    .leftJoin('partner_members as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.partner_id', '=', mark.partner_id))
    .leftJoin('partners as p', (j) => j.on('p.id', '=', mark.partner_id))
    .leftJoin('apps as a', (j) => j.on('a.id', '=', mark.client_id))
    .select(['u.status as user_status', 'm.role as member_role', 'm.status as member_status', 'p.status as partner_status', 'p.capabilities as partner_capabilities', 'a.status as app_status', 'a.partner_id as app_partner_id'])
    .where('u.id', '=', mark.user_id)
    .executeTakeFirst();
}
