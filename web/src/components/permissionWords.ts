import { mspApi } from '../api/msp.ts';
import { useApiQuery } from '../query/query.ts';
import { roleKeys } from '../api/keys/roles.ts';

/** Permission names in words, from the server's catalog (GET /api/v1/permissions). */
export function usePermissionWords() {
  const q = useApiQuery(roleKeys.permissions, () => mspApi.permissions(), { staleTime: 600_000 });
  const words = new Map((q.data?.data ?? []).map((p) => [p.name, p.description]));
  return {
    loading: q.loading,
    all: q.data?.data ?? [],
    word: (name: string) => {
      const w = words.get(name);
      if (w) return w;
      const area = name.endsWith('.*') ? PERMISSION_AREAS[name.split('.')[0]] : undefined;
      return area ? `everything in ${area.toLowerCase()}` : name.replace(/[._*]+/g, ' ').trim();
    },
  };
}

/** Areas for grouping permissions in a picker, by their first word. */
export const PERMISSION_AREAS: Record<string, string> = {
  billing: 'Billing',
  orders: 'Orders',
  services: 'Services',
  support: 'Support tickets',
  reports: 'Reports',
  alerts: 'Alerts',
  vouchers: 'Vouchers',
};
