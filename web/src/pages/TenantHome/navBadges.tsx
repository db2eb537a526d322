/**
 * The tenant's Overview entry in the sidebar: how many partner requests wait for this admin's answer
 * (access requests, renewals, confirmations, time-limited access). Shares the overview's queries.
 */
import { Badge } from '@mantine/core';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { useView } from '../../session/useView.ts';
import { useTenantWaiting } from './useTenantWaiting.ts';

const m = defineMessages({
  waiting: { id: 'tenant_home.nav_badge.waiting', defaultMessage: '{count, plural, one {# request waits for your answer} other {# requests wait for your answer}}' },
  timeLimited: {
    id: 'tenant_home.nav_badge.time_limited',
    defaultMessage: '{count, plural, one {# time-limited access request waits for your answer} other {# time-limited access requests wait for your answer}}',
  },
});

export function TenantWaitingNavBadge() {
  const view = useView();
  const t = view.tenant;
  if (!t) return null;
  return <Count key={t.tenant_id} t={t} meId={view.me.user.id} />;
}

function Count({ t, meId }: { t: NonNullable<ReturnType<typeof useView>['tenant']>; meId: string }) {
  const intl = useIntl();
  const w = useTenantWaiting(t, meId);
  const n = w.items.length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={intl.formatMessage(m.waiting, { count: n })} data-testid="nav-badge-tenant-waiting">
      {n}
    </Badge>
  );
}

/** The Time-limited access entry: requests for time-limited access waiting for an admin's answer. */
export function TimeLimitedNavBadge() {
  const view = useView();
  const t = view.tenant;
  if (!t) return null;
  return <TimeLimitedCount key={t.tenant_id} t={t} meId={view.me.user.id} />;
}

function TimeLimitedCount({ t, meId }: { t: NonNullable<ReturnType<typeof useView>['tenant']>; meId: string }) {
  const intl = useIntl();
  const n = useTenantWaiting(t, meId).items.filter((i) => i.kind === 'activation').length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={intl.formatMessage(m.timeLimited, { count: n })} data-testid="nav-badge-time-limited">
      {n}
    </Badge>
  );
}
