/**
 * Who on a referral partner's side hears of a sign-up through its code: its owners (they see every
 * referral) and the staff member whose code it was (staff see only the organizations their own
 * codes brought, as the partner program's permission matrix says). Registered with the notifications module as the audience
 * policy of `referral.signed_up`.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { AudienceDecision, AudienceEvent, Recipient } from '../notifications/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { findCodeCreator } from './program.repo.ts';

export async function signupAudience(trx: Tx, e: AudienceEvent, members: readonly Recipient[]): Promise<AudienceDecision> {
  const code = typeof e.data.code === 'string' ? e.data.code : '';
  const [roles, creator] = await Promise.all([
    partnerQueries.listActiveMemberRoles(trx, e.partner_id),
    findCodeCreator(trx, e.partner_id, code),
  ]);
  const owners = new Set(roles.filter((r) => r.role === 'PARTNER_OWNER').map((r) => r.user_id));
  const people = new Map<string, { data: Record<string, unknown>; in_app: boolean; email: 'preference' }>();
  for (const m of members) if (owners.has(m.id) || m.id === creator?.created_by) people.set(m.id, { data: e.data, in_app: true, email: 'preference' });
  return { people, addresses: [], partnerEndpoint: e.data };
}
