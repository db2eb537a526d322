/**
 * What waits for a tenant's admin, read from the lists where each item is answered: partner access
 * requests, renewals a partner asked for and access that needs a current admin's confirmation (the
 * Partners with access page), time-limited access requests (the Time-limited access page), and —
 * waiting for someone else — invitations not accepted yet (the Members page). Used by the overview
 * and by its sidebar badge, with the same query keys as those pages, so an answer there shows here.
 */
import { useIntl, type IntlShape } from 'react-intl';
import { api, type PendingInvitationDto, type TenantMembershipDto } from '../../api/index.ts';
import { activationsApi, durationLabel, type ActivationDto } from '../../api/activations.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { overviewKeys } from '../../api/keys/tenantOverview.ts';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  aPartner: { id: 'tenant_home.waiting.a_partner', defaultMessage: 'A partner' },
  someone: { id: 'tenant_home.waiting.someone', defaultMessage: 'Someone' },
  accountsCount: { id: 'tenant_home.waiting.billing_accounts', defaultMessage: '{count, plural, one {# billing account} other {# billing accounts}}' },
  allAccounts: { id: 'tenant_home.waiting.all_billing_accounts', defaultMessage: 'All billing accounts' },
  requestTitle: { id: 'tenant_home.waiting.request.title', defaultMessage: '{who} asks for access to your data' },
  requestDetail: { id: 'tenant_home.waiting.request.detail', defaultMessage: 'Role: {role} · {accounts} · until {date}' },
  requestAction: { id: 'tenant_home.waiting.request.action', defaultMessage: 'Review the request' },
  renewalTitle: { id: 'tenant_home.waiting.renewal.title', defaultMessage: '{who} asks to keep its access until {date}' },
  renewalDetail: { id: 'tenant_home.waiting.renewal.detail', defaultMessage: 'Its {role} access ends on {date} unless you accept.' },
  renewalAction: { id: 'tenant_home.waiting.renewal.action', defaultMessage: 'Accept or decline' },
  confirmTitle: {
    id: 'tenant_home.waiting.confirmation.title',
    defaultMessage: "{named, select, yes {{who}'s access needs an admin to confirm it} other {A partner's access needs an admin to confirm it}}",
  },
  confirmDetail: {
    id: 'tenant_home.waiting.confirmation.detail',
    defaultMessage: 'The admin who approved it is no longer an admin here, so the partner is refused until a current admin confirms or revokes it.',
  },
  confirmAction: { id: 'tenant_home.waiting.confirmation.action', defaultMessage: 'Confirm or revoke' },
  activationTitle: { id: 'tenant_home.waiting.activation.title', defaultMessage: '{person} ({partner}) asks for time-limited access' },
  activationDetail: { id: 'tenant_home.waiting.activation.detail', defaultMessage: 'Role: {role} · for {duration}' },
  activationAction: { id: 'tenant_home.waiting.activation.action', defaultMessage: 'Approve or reject' },
});

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
  intl: IntlShape;
}

/** The items, oldest question first (the one waiting longest is answered first). */
export function waitingItems({ delegations = [], activations = [], meId, base, roleName, intl }: WaitingInput): WaitingItem[] {
  const items: WaitingItem[] = [];
  const partners = `${base}/partners`;
  for (const d of delegations) {
    const who = d.partner.name ?? intl.formatMessage(m.aPartner);
    if (d.status === 'requested') {
      const on = d.ban_ids ? intl.formatMessage(m.accountsCount, { count: d.ban_ids.length }) : intl.formatMessage(m.allAccounts);
      items.push({
        key: `req-${d.id}`,
        kind: 'link_request',
        title: intl.formatMessage(m.requestTitle, { who }),
        detail: intl.formatMessage(m.requestDetail, { role: roleName(d.role), accounts: on, date: formatDate(d.ends_at) }),
        reason: d.justification,
        at: d.requested_at,
        to: partners,
        action: intl.formatMessage(m.requestAction),
      });
    } else if (d.status === 'active' && d.renewal_ends_at && d.renewal_requested_by !== meId) {
      items.push({
        key: `renew-${d.id}`,
        kind: 'renewal',
        title: intl.formatMessage(m.renewalTitle, { who, date: formatDate(d.renewal_ends_at) }),
        detail: intl.formatMessage(m.renewalDetail, { role: roleName(d.role), date: formatDate(d.ends_at) }),
        reason: null,
        at: d.updated_at,
        to: partners,
        action: intl.formatMessage(m.renewalAction),
      });
    } else if (d.status === 'active' && d.approver_active === false) {
      items.push({
        key: `confirm-${d.id}`,
        kind: 'confirmation',
        title: intl.formatMessage(m.confirmTitle, { named: d.partner.name ? 'yes' : 'no', who }),
        detail: intl.formatMessage(m.confirmDetail),
        reason: null,
        at: null,
        to: partners,
        action: intl.formatMessage(m.confirmAction),
      });
    }
  }
  for (const a of activations) {
    if (a.status !== 'waiting') continue;
    const person = a.user.name ?? a.user.email ?? intl.formatMessage(m.someone);
    items.push({
      key: `act-${a.id}`,
      kind: 'activation',
      title: intl.formatMessage(m.activationTitle, { person, partner: a.partner.name }),
      detail: intl.formatMessage(m.activationDetail, { role: roleName(a.role), duration: durationLabel(a.minutes) }),
      reason: a.justification || null,
      at: a.requested_at,
      to: `${base}/time-limited`,
      action: intl.formatMessage(m.activationAction),
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
  /** the lists that failed to load (WaitingForYou says which in words) */
  failed: { what: 'delegations' | 'activations' | 'invitations'; error: unknown }[];
}

/** The waiting items of the tenant being looked at, for this person. */
export function useTenantWaiting(t: TenantMembershipDto, meId: string, roleName: (id: string) => string = (id) => id): TenantWaiting {
  const intl = useIntl();
  const tenantId = t.tenant_id;
  const manages = allows(t, 'tenant.delegations.manage');
  const invites = allows(t, 'tenant.members.manage');
  const dlg = useApiQuery(overviewKeys.delegations(tenantId), () => delegationsApi.tenantList(tenantId), { enabled: manages, staleTime: 30_000 });
  const act = useApiQuery(overviewKeys.activations(tenantId), () => activationsApi.tenantList(tenantId), { enabled: manages, staleTime: 30_000 });
  const inv = useApiQuery(overviewKeys.invitations(tenantId), () => api.tenants.invitations(tenantId), { enabled: invites, staleTime: 30_000 });
  const base = `/tenant/${tenantId}`;
  const items = manages ? waitingItems({ delegations: dlg.data?.data, activations: act.data?.data, meId, base, roleName, intl }) : [];
  const failed: TenantWaiting['failed'] = [
    { what: 'delegations' as const, error: manages ? dlg.error : null },
    { what: 'activations' as const, error: manages ? act.error : null },
    { what: 'invitations' as const, error: invites ? inv.error : null },
  ].filter((f) => !!f.error);
  return { answers: manages, items, invitations: invites ? inv.data?.data : undefined, loading: (manages && (dlg.loading || act.loading)) || (invites && inv.loading), failed };
}
