/**
 * Names for the user ids an audit event carries. The operator resolves anyone (GET /api/v1/users/:id);
 * a tenant admin or partner owner resolves the members of their own organization.
 */
import { api } from '../api/index.ts';

export interface Person {
  name: string;
  email: string;
}
export type PeopleResolver = (ids: string[]) => Promise<Map<string, Person>>;

const operatorCache = new Map<string, Promise<Person | null>>();

export const operatorPeople: PeopleResolver = async (ids) => {
  const out = new Map<string, Person>();
  await Promise.all(
    ids.map(async (id) => {
      let p = operatorCache.get(id);
      if (!p) {
        p = api.users
          .get(id)
          .then((u) => ({ name: u.name, email: u.email }))
          .catch(() => null);
        operatorCache.set(id, p);
      }
      const person = await p;
      if (person) out.set(id, person);
    }),
  );
  return out;
};

export function membersPeople(list: () => Promise<{ data: { user_id: string; name: string; email: string }[] }>): PeopleResolver {
  let cached: Promise<Map<string, Person>> | null = null;
  return () => {
    cached ??= list()
      .then((r) => new Map(r.data.map((m) => [m.user_id, { name: m.name, email: m.email }])))
      .catch(() => new Map());
    return cached;
  };
}
