/**
 * The tenant's Overview entry in the sidebar: how many partner requests wait for this admin's answer
 * (access requests, renewals, confirmations, time-limited access). Shares the overview's queries.
 */
import { Badge } from '@mantine/core';
import { useView } from '../../session/useView.ts';
import { useTenantWaiting } from './useTenantWaiting.ts';

export function TenantWaitingNavBadge() {
  const view = useView();
  const t = view.tenant;
  if (!t) return null;
  return <Count key={t.tenant_id} t={t} meId={view.me.user.id} />;
}

function Count({ t, meId }: { t: NonNullable<ReturnType<typeof useView>['tenant']>; meId: string }) {
  const w = useTenantWaiting(t, meId);
  const n = w.items.length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={`${n} request${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} for your answer`} data-testid="nav-badge-tenant-waiting">
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
  const n = useTenantWaiting(t, meId).items.filter((i) => i.kind === 'activation').length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={`${n} time-limited access request${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} for your answer`} data-testid="nav-badge-time-limited">
      {n}
    </Badge>
  );
}
