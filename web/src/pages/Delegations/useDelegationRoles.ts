/**
 * The delegation roles as the server's catalog has them (GET /api/v1/roles?catalog=delegation):
 * names, descriptions and grants come from the migration-seeded data, never from a list in the
 * portal. Loaded once per page load (the query never goes stale) and shared by every page that shows a role.
 * A built-in role still worded as seeded is shown in the reader's language (components/roleNames.ts).
 */
import { useMemo } from 'react';
import { useIntl } from 'react-intl';
import { delegationsApi, type RoleDto } from '../../api/delegations.ts';
import { localizedRole } from '../../components/roleNames.ts';
import { useApiQuery } from '../../query/query.ts';
import { roleKeys } from '../../api/keys/roles.ts';

export interface DelegationRoles {
  roles: RoleDto[];
  /** roles a partner may ask for in a link (WHOLESALE belongs to wholesale delegations only) */
  linkRoles: RoleDto[];
  /** the display name of a role id (the id itself until the catalog has loaded) */
  name(id: string): string;
  get(id: string | null | undefined): RoleDto | undefined;
  error: unknown;
}

export function useDelegationRoles(): DelegationRoles {
  const l = useApiQuery(roleKeys.delegation, () => delegationsApi.roles(), { staleTime: Infinity });
  const intl = useIntl();
  const roles = useMemo(() => (l.data?.data ?? []).map((r) => localizedRole(intl, r)), [l.data, intl]);
  return {
    roles,
    linkRoles: roles.filter((r) => r.id !== 'WHOLESALE'),
    name: (id) => roles.find((r) => r.id === id)?.name ?? id,
    get: (id) => roles.find((r) => r.id === id),
    error: l.error,
  };
}
