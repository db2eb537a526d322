/**
 * Who on a referral partner's side hears of a sign-up through its code: its owners (they see every
 * referral) and the staff member whose code it was (staff see only the organizations their own
 * codes brought, as the partner program's permission matrix says). Registered with the notifications module as the audience
 * policy of `referral.signed_up`.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { AudienceDecision, AudienceEvent, Recipient } from '../notifications/index.ts';

export async function signupAudience(trx: Tx, e: AudienceEvent, members: readonly Recipient[]): Promise<AudienceDecision> {
  const code = typeof e.data.code === 'string' ? e.data.code : '';
  const [roles, creator] = await Promise.all([
    trx.selectFrom('partner_members').select(['user_id', 'role']).where('partner_id', '=', e.partner_id).where('status', '=', 'active').execute(),
    trx.selectFrom('referral_codes').select('created_by').where('code', '=', code).where('partner_id', '=', e.partner_id).executeTakeFirst(),
  ]);
  const owners = new Set(roles.filter((r) => r.role === 'PARTNER_OWNER').map((r) => r.user_id));
  const people = new Map<string, { data: Record<string, unknown>; in_app: boolean; email: 'preference' }>();
  for (const m of members) if (owners.has(m.id) || m.id === creator?.created_by) people.set(m.id, { data: e.data, in_app: true, email: 'preference' });
  return { people, addresses: [], partnerEndpoint: e.data };
}
