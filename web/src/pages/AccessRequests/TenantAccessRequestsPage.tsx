/**
 * Tenant admin → Access requests: what partners ask for with a template, each read as one sentence
 * ("Acme Support asks to read invoices … on BAN 1002 for 30 days because …"), approved or rejected
 * as a whole. Under a two-approver policy the page says who has approved so far; the requester
 * never sees an Approve button that would be refused.
 */
import { useState } from 'react';
import { Badge, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { accessRequestsApi, type AccessRequest } from '../../api/accessRequests.ts';
import { accessRequestKeys } from '../../api/keys/accessRequests.ts';
import { notificationKeys } from '../../api/keys/notifications.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { PermissionSentences } from './TemplateEditor.tsx';

const m = defineMessages({
  anAdmin: { id: 'access_requests.tenant.an_admin', defaultMessage: 'an admin' },
  approvedBy: { id: 'access_requests.tenant.approved_by', defaultMessage: 'Approved by {names}.' },
  needs: { id: 'access_requests.tenant.needs_approvals', defaultMessage: 'Needs {required, plural, other {# approvals}}; none yet.' },
  soFar: { id: 'access_requests.tenant.approved_so_far', defaultMessage: 'Approved so far by {names} ({count} of {required}).' },
  askedBy: {
    id: 'access_requests.tenant.asked_by',
    defaultMessage: 'Asked by {name} on {date}{pending, select, yes {; expires {expires} unless answered.} other {.}}',
  },
  aPartnerMember: { id: 'access_requests.tenant.a_partner_member', defaultMessage: 'a partner member' },
  mine: { id: 'access_requests.tenant.mine', defaultMessage: 'You asked for this access, so another admin must answer it.' },
  approvedByMe: { id: 'access_requests.tenant.approved_by_me', defaultMessage: 'You approved it; it waits for another admin.' },
  approve: { id: 'access_requests.tenant.approve', defaultMessage: 'Approve' },
  reject: { id: 'access_requests.tenant.reject', defaultMessage: 'Reject' },
  hasAccess: { id: 'access_requests.tenant.has_access', defaultMessage: '{partner} has access now, for {days, plural, other {# days}}.' },
  waitsSecond: { id: 'access_requests.tenant.waits_second', defaultMessage: 'Approved. The request waits for a second admin.' },
  rejected: { id: 'access_requests.tenant.rejected', defaultMessage: 'Request rejected.' },
  title: { id: 'access_requests.tenant.title', defaultMessage: 'Access requests' },
  description: {
    id: 'access_requests.tenant.description',
    defaultMessage: 'Partners ask for access with a template. Approve or reject each request as a whole; your approval policy (Settings) says how many admins must approve.',
  },
  which: { id: 'access_requests.tenant.which', defaultMessage: 'Which requests' },
  waiting: { id: 'access_requests.tenant.filter.waiting', defaultMessage: 'Waiting' },
  all: { id: 'access_requests.tenant.filter.all', defaultMessage: 'All' },
  loading: { id: 'access_requests.tenant.loading', defaultMessage: 'Loading requests…' },
  noneWaiting: { id: 'access_requests.tenant.none_waiting', defaultMessage: 'No request waits for an answer.' },
  noneAtAll: { id: 'access_requests.tenant.none', defaultMessage: 'No partner has asked for access with a template yet.' },
  rejectTitle: { id: 'access_requests.tenant.reject_title', defaultMessage: 'Reject the request' },
  rejectMessage: {
    id: 'access_requests.tenant.reject_message',
    defaultMessage: "Reject {partner}'s request as a whole? The partner sees that it was rejected and may ask again.",
  },
  thePartner: { id: 'access_requests.tenant.the_partner', defaultMessage: 'the partner' },
  navBadge: {
    id: 'access_requests.tenant.nav_badge',
    defaultMessage: '{count, plural, one {# access request waits for your answer} other {# access requests wait for your answer}}',
  },
});

function Approvals({ r }: { r: AccessRequest }) {
  const intl = useIntl();
  const names = r.approvals.map((a) => a.name ?? intl.formatMessage(m.anAdmin));
  if (r.approvals_required < 2 && names.length === 0) return null;
  const list = intl.formatList(names, { type: 'conjunction' });
  if (r.status !== 'pending')
    return names.length ? (
      <Text size="sm">
        <FormattedMessage {...m.approvedBy} values={{ names: list }} />
      </Text>
    ) : null;
  return (
    <Text size="sm" data-testid="approvals-so-far">
      {names.length === 0
        ? intl.formatMessage(m.needs, { required: r.approvals_required })
        : intl.formatMessage(m.soFar, { names: list, count: names.length, required: r.approvals_required })}
    </Text>
  );
}

/** How many permissions the request's sentence names before "and N more" (approval-rules.ts). */
const SENTENCE_PERMISSIONS = 5;

function RequestCard({ r, meId, onApprove, onReject, busy }: { r: AccessRequest; meId: string; onApprove: () => void; onReject: () => void; busy: boolean }) {
  const mine = r.requested_by.id === meId;
  const approved = r.approvals.some((a) => a.user_id === meId);
  const intl = useIntl();
  return (
    <Paper withBorder p="md" radius="md" data-testid="access-request" data-status={r.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{r.template.name}</Text>
          <StatusBadge status={r.status} />
        </Group>
        <Text data-testid="access-request-sentence">{r.sentence}</Text>
        {/* the sentence names five permissions and "N more": the approver opens the rest before answering */}
        {r.permissions.length > SENTENCE_PERMISSIONS && <PermissionSentences template={r} max={SENTENCE_PERMISSIONS} />}
        <Text size="sm" c="dimmed">
          <FormattedMessage
            {...m.askedBy}
            values={{
              name: r.requested_by.name ?? intl.formatMessage(m.aPartnerMember),
              date: formatDate(r.requested_at),
              pending: r.status === 'pending' ? 'yes' : 'no',
              expires: formatDateTime(r.expires_at),
            }}
          />
        </Text>
        <Approvals r={r} />
        {r.status === 'pending' && (
          <Group gap="xs">
            {mine ? (
              <Text size="sm">
                <FormattedMessage {...m.mine} />
              </Text>
            ) : approved ? (
              <Text size="sm">
                <FormattedMessage {...m.approvedByMe} />
              </Text>
            ) : (
              <Button onClick={onApprove} loading={busy}>
                <FormattedMessage {...m.approve} />
              </Button>
            )}
            <Button variant="default" color="red" onClick={onReject}>
              <FormattedMessage {...m.reject} />
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

export function TenantAccessRequestsPage() {
  const view = useView();
  const intl = useIntl();
  const tenantId = view.tenant!.tenant_id;
  const [status, setStatus] = useState('pending');
  const list = useApiQuery(accessRequestKeys.tenantRequests(tenantId, status), () => accessRequestsApi.tenantList(tenantId, status === 'all' ? undefined : status));
  const [rejecting, setRejecting] = useState<AccessRequest | null>(null);
  const approve = useApiMutation((r: AccessRequest) => accessRequestsApi.approve(tenantId, r.id), {
    success: (r) => (r.status === 'approved' ? intl.formatMessage(m.hasAccess, { partner: r.partner.name, days: r.duration_days }) : intl.formatMessage(m.waitsSecond)),
    notifyError: true,
    invalidates: [accessRequestKeys.all, notificationKeys.all],
    onDone: list.reload,
  });
  const reject = useApiMutation((r: AccessRequest, reason?: string) => accessRequestsApi.reject(tenantId, r.id, reason), {
    success: intl.formatMessage(m.rejected),
    invalidates: [accessRequestKeys.all, notificationKeys.all],
    onDone: () => {
      setRejecting(null);
      list.reload();
    },
  });
  const rows = list.data?.data;
  return (
    <Stack gap="md">
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <SegmentedControl
        value={status}
        onChange={setStatus}
        aria-label={intl.formatMessage(m.which)}
        data={[
          { value: 'pending', label: intl.formatMessage(m.waiting) },
          { value: 'all', label: intl.formatMessage(m.all) },
        ]}
      />
      <ErrorAlert error={list.error} />
      {list.loading && (
        <Text c="dimmed">
          <FormattedMessage {...m.loading} />
        </Text>
      )}
      {rows && rows.length === 0 && <Text>{intl.formatMessage(status === 'pending' ? m.noneWaiting : m.noneAtAll)}</Text>}
      {rows?.map((r) => (
        <RequestCard key={r.id} r={r} meId={view.me.user.id} busy={approve.busy} onApprove={() => void approve.run(r)} onReject={() => setRejecting(r)} />
      ))}
      <ReasonModal
        opened={!!rejecting}
        title={intl.formatMessage(m.rejectTitle)}
        message={intl.formatMessage(m.rejectMessage, { partner: rejecting?.partner.name ?? intl.formatMessage(m.thePartner) })}
        confirmLabel={intl.formatMessage(m.reject)}
        color="red"
        reason="optional"
        busy={reject.busy}
        error={reject.error}
        onClose={() => setRejecting(null)}
        onConfirm={(reason) => rejecting && void reject.run(rejecting, reason)}
      />
    </Stack>
  );
}

/** The sidebar's count: requests waiting for this admin's answer (the bell's own count). */
export function AccessRequestsNavBadge() {
  const view = useView();
  const intl = useIntl();
  const tenantId = view.tenant?.tenant_id;
  const list = useApiQuery(accessRequestKeys.tenantRequests(tenantId ?? '', 'pending'), () => accessRequestsApi.tenantList(tenantId ?? '', 'pending'), { enabled: !!tenantId });
  const me = view.me.user.id;
  const n = (list.data?.data ?? []).filter((r) => r.requested_by.id !== me && !r.approvals.some((a) => a.user_id === me)).length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={intl.formatMessage(m.navBadge, { count: n })} data-testid="nav-badge-access-requests">
      {n}
    </Badge>
  );
}
