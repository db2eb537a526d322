/**
 * What waits for a tenant's admin, read from the lists where each item is answered: partner access
 * requests, renewals a partner asked for and access that needs a current admin's confirmation (the
 * Partners with access page), time-limited access requests (the Time-limited access page), and —
 * waiting for someone else — invitations not accepted yet (the Members page). Used by the overview
 * and by its sidebar badge, with the same query keys as those pages, so an answer there shows here.
 */
import { api, type PendingInvitationDto, type TenantMembershipDto } from '../../api/index.ts';
import { activationsApi, durationLabel, type ActivationDto } from '../../api/activations.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { overviewKeys } from '../../api/keys/tenantOverview.ts';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';

export type WaitingKind = 'link_request' | 'renewal' | 'confirmation' | 'activation';

export interface WaitingItem {
  key: string;
  kind: WaitingKind;
  /** one sentence: who asks for what */
  title: string;
  detail: string;
  /** the partner's own words, when it gave a reason */
  reason: string | null;
  /** when it was asked, if known */
  at: string | null;
  /** where it is answered */
  to: string;
  /** the link's words */
  action: string;
}

export interface WaitingInput {
  delegations?: DelegationDto[];
  activations?: ActivationDto[];
  meId: string;
  base: string;
  roleName(id: string): string;
}

/** The items, oldest question first (the one waiting longest is answered first). */
export function waitingItems({ delegations = [], activations = [], meId, base, roleName }: WaitingInput): WaitingItem[] {
  const items: WaitingItem[] = [];
  const partners = `${base}/partners`;
  for (const d of delegations) {
    const who = d.partner.name ?? 'A partner';
    if (d.status === 'requested') {
      const on = d.ban_ids ? `${d.ban_ids.length} billing account${d.ban_ids.length === 1 ? '' : 's'}` : 'All billing accounts';
      items.push({
        key: `req-${d.id}`,
        kind: 'link_request',
        title: `${who} asks for access to your data`,
        detail: `Role: ${roleName(d.role)} · ${on} · until ${formatDate(d.ends_at)}`,
        reason: d.justification,
        at: d.requested_at,
        to: partners,
        action: 'Review the request',
      });
    } else if (d.status === 'active' && d.renewal_ends_at && d.renewal_requested_by !== meId) {
      items.push({
        key: `renew-${d.id}`,
        kind: 'renewal',
        title: `${who} asks to keep its access until ${formatDate(d.renewal_ends_at)}`,
        detail: `Its ${roleName(d.role)} access ends on ${formatDate(d.ends_at)} unless you accept.`,
        reason: null,
        at: d.updated_at,
        to: partners,
        action: 'Accept or decline',
      });
    } else if (d.status === 'active' && d.approver_active === false) {
      items.push({
        key: `confirm-${d.id}`,
        kind: 'confirmation',
        title: `${who}'s access needs an admin to confirm it`,
        detail: 'The admin who approved it is no longer an admin here, so the partner is refused until a current admin confirms or revokes it.',
        reason: null,
        at: null,
        to: partners,
        action: 'Confirm or revoke',
      });
    }
  }
  for (const a of activations) {
    if (a.status !== 'waiting') continue;
    const person = a.user.name ?? a.user.email ?? 'Someone';
    items.push({
      key: `act-${a.id}`,
      kind: 'activation',
      title: `${person} (${a.partner.name}) asks for time-limited access`,
      detail: `Role: ${roleName(a.role)} · for ${durationLabel(a.minutes)}`,
      reason: a.justification || null,
      at: a.requested_at,
      to: `${base}/time-limited`,
      action: 'Approve or reject',
    });
  }
  return items.sort((x, y) => (x.at ?? '').localeCompare(y.at ?? ''));
}

export interface TenantWaiting {
  /** false: this person answers none of these (the section is left out, not shown empty) */
  answers: boolean;
  items: WaitingItem[];
  /** invitations sent and not accepted yet (they wait for the invitee, not for you) */
  invitations: PendingInvitationDto[] | undefined;
  loading: boolean;
  /** the lists that failed to load, in words */
  failed: { what: string; error: unknown }[];
}

/** The waiting items of the tenant being looked at, for this person. */
export function useTenantWaiting(t: TenantMembershipDto, meId: string, roleName: (id: string) => string = (id) => id): TenantWaiting {
  const tenantId = t.tenant_id;
  const manages = allows(t, 'tenant.delegations.manage');
  const invites = allows(t, 'tenant.members.manage');
  const dlg = useApiQuery(overviewKeys.delegations(tenantId), () => delegationsApi.tenantList(tenantId), { enabled: manages, staleTime: 30_000 });
  const act = useApiQuery(overviewKeys.activations(tenantId), () => activationsApi.tenantList(tenantId), { enabled: manages, staleTime: 30_000 });
  const inv = useApiQuery(overviewKeys.invitations(tenantId), () => api.tenants.invitations(tenantId), { enabled: invites, staleTime: 30_000 });
  const base = `/tenant/${tenantId}`;
  const items = manages ? waitingItems({ delegations: dlg.data?.data, activations: act.data?.data, meId, base, roleName }) : [];
  const failed = [
    { what: 'partner access requests', error: manages ? dlg.error : null },
    { what: 'time-limited access requests', error: manages ? act.error : null },
    { what: 'invitations', error: invites ? inv.error : null },
  ].filter((f) => !!f.error);
  return { answers: manages, items, invitations: invites ? inv.data?.data : undefined, loading: (manages && (dlg.loading || act.loading)) || (invites && inv.loading), failed };
}
