import { mspApi } from '../api/msp.ts';
import { useApiQuery } from '../query/query.ts';
import { roleKeys } from '../api/keys/roles.ts';
import { defineMessages, type Message } from '../i18n/define.ts';
import { say } from './format.ts';

const m = defineMessages({
  everythingIn: {
    id: 'components.permission_words.everything_in',
    defaultMessage:
      'everything in {area, select, billing {billing} orders {orders} services {services} support {support tickets} reports {reports} alerts {alerts} vouchers {vouchers} other {{area}}}',
  },
});

const AREAS = defineMessages({
  billing: { id: 'components.permission_words.area.billing', defaultMessage: 'Billing' },
  orders: { id: 'components.permission_words.area.orders', defaultMessage: 'Orders' },
  services: { id: 'components.permission_words.area.services', defaultMessage: 'Services' },
  support: { id: 'components.permission_words.area.support', defaultMessage: 'Support tickets' },
  reports: { id: 'components.permission_words.area.reports', defaultMessage: 'Reports' },
  alerts: { id: 'components.permission_words.area.alerts', defaultMessage: 'Alerts' },
  vouchers: { id: 'components.permission_words.area.vouchers', defaultMessage: 'Vouchers' },
});

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
      const area = name.endsWith('.*') ? name.split('.')[0] : undefined;
      return area && Object.hasOwn(AREAS, area) ? say(m.everythingIn, { area }) : name.replace(/[._*]+/g, ' ').trim();
    },
  };
}

/**
 * Areas for grouping permissions in a picker, by their first word: each name is read in the portal's
 * language when it is used (a getter per area, so `PERMISSION_AREAS[area]` and `Object.entries` speak it).
 */
export const PERMISSION_AREAS: Record<string, string> = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.entries(AREAS as Record<string, Message>).map(([area, message]) => [area, { enumerable: true, get: () => say(message) }]),
  ),
) as Record<string, string>;
