/**
 * Who did it, in words a customer reads: the partner's name and the person's name and e-mail
 * for the user and partner ids an order, ticket, comment or alert records (issue 16: "not usr_…").
 * Read in one query per kind of id for a whole page.
 */
import type { Executor } from '../../platform/db/database.ts';
import { Nullable, Type } from '../../platform/http/schemas.ts';

export interface Person {
  user_id: string;
  name: string;
  email: string;
  partner_id: string | null;
  partner_name: string | null;
}

export const PersonDto = Type.Object(
  { user_id: Type.String(), name: Type.String(), email: Type.String(), partner_id: Nullable(Type.String()), partner_name: Nullable(Type.String()) },
  { title: 'Person', description: 'who did it: the person and, when they acted for a partner, the partner' },
);

export interface People {
  person(userId: string | null | undefined, partnerId?: string | null): Person | null;
  partnerName(partnerId: string | null | undefined): string | null;
}

/** Names and e-mails of the users, names of the partners (unknown ids are left out). */
export async function loadPeople(db: Executor, userIds: Iterable<string | null | undefined>, partnerIds: Iterable<string | null | undefined>): Promise<People> {
  const u = [...new Set([...userIds].filter((x): x is string => typeof x === 'string' && x.startsWith('usr_')))];
  const p = [...new Set([...partnerIds].filter((x): x is string => typeof x === 'string' && x.length > 0))];
  const [users, partners] = await Promise.all([
    u.length ? db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', u).execute() : Promise.resolve([]),
    p.length ? db.selectFrom('partners').select(['id', 'name']).where('id', 'in', p).execute() : Promise.resolve([]),
  ]);
  const um = new Map(users.map((r) => [r.id, r]));
  const pm = new Map(partners.map((r) => [r.id, r.name]));
  return {
    person(userId, partnerId = null) {
      if (!userId) return null;
      const r = um.get(userId);
      if (!r) return null;
      return { user_id: r.id, name: r.name, email: r.email, partner_id: partnerId ?? null, partner_name: partnerId ? (pm.get(partnerId) ?? null) : null };
    },
    partnerName: (id) => (id ? (pm.get(id) ?? null) : null),
  };
}
