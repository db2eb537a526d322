import { useMemo } from 'react';
import { mspApi } from '../api/msp.ts';
import { useApiQuery } from '../query/query.ts';
import { roleKeys } from '../api/keys/roles.ts';
import { defineMessages, type Message } from '../i18n/define.ts';
import { say } from './format.ts';
import { PERMISSION_DESCRIPTIONS } from './permissionDescriptions.ts';

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

/**
 * A permission's description in the reader's language: a built-in permission's message while the server's
 * catalog still gives its English words; one the operator added or rewrote as the operator wrote it.
 */
export function describePermission(name: string, description: string): string {
  const message = Object.hasOwn(PERMISSION_DESCRIPTIONS, name) ? PERMISSION_DESCRIPTIONS[name as keyof typeof PERMISSION_DESCRIPTIONS] : undefined;
  return message !== undefined && message.defaultMessage === description ? say(message) : description;
}

/** Permission names in words, from the server's catalog (GET /api/v1/permissions), in the reader's language. */
export function usePermissionWords() {
  const q = useApiQuery(roleKeys.permissions, () => mspApi.permissions(), { staleTime: 600_000 });
  // kept between renders (the lists built from it are memoized on it); a change of language remounts the portal
  const all = useMemo(() => (q.data?.data ?? []).map((p) => ({ ...p, description: describePermission(p.name, p.description) })), [q.data]);
  const words = new Map(all.map((p) => [p.name, p.description]));
  return {
    loading: q.loading,
    all,
    word: (name: string) => {
      const w = words.get(name);
      if (w) return w;
      // a built-in permission is worded by its name even before (or without) the server's catalog: never its English text
      if (Object.hasOwn(PERMISSION_DESCRIPTIONS, name)) return say(PERMISSION_DESCRIPTIONS[name as keyof typeof PERMISSION_DESCRIPTIONS]);
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
