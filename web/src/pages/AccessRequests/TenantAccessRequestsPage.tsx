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

function Approvals({ r }: { r: AccessRequest }) {
  const names = r.approvals.map((a) => a.name ?? 'an admin');
  if (r.approvals_required < 2 && names.length === 0) return null;
  if (r.status !== 'pending') return names.length ? <Text size="sm">Approved by {names.join(' and ')}.</Text> : null;
  return (
    <Text size="sm" data-testid="approvals-so-far">
      {names.length === 0 ? `Needs ${r.approvals_required} approvals; none yet.` : `Approved so far by ${names.join(' and ')} (${names.length} of ${r.approvals_required}).`}
    </Text>
  );
}

function RequestCard({ r, meId, onApprove, onReject, busy }: { r: AccessRequest; meId: string; onApprove: () => void; onReject: () => void; busy: boolean }) {
  const mine = r.requested_by.id === meId;
  const approved = r.approvals.some((a) => a.user_id === meId);
  return (
    <Paper withBorder p="md" radius="md" data-testid="access-request" data-status={r.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{r.template.name}</Text>
          <StatusBadge status={r.status} />
        </Group>
        <Text data-testid="access-request-sentence">{r.sentence}</Text>
        <Text size="sm" c="dimmed">
          Asked by {r.requested_by.name ?? 'a partner member'} on {formatDate(r.requested_at)}
          {r.status === 'pending' ? `; expires ${formatDateTime(r.expires_at)} unless answered.` : '.'}
        </Text>
        <Approvals r={r} />
        {r.status === 'pending' && (
          <Group gap="xs">
            {mine ? (
              <Text size="sm">You asked for this access, so another admin must answer it.</Text>
            ) : approved ? (
              <Text size="sm">You approved it; it waits for another admin.</Text>
            ) : (
              <Button onClick={onApprove} loading={busy}>
                Approve
              </Button>
            )}
            <Button variant="default" color="red" onClick={onReject}>
              Reject
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

export function TenantAccessRequestsPage() {
  const view = useView();
  const tenantId = view.tenant!.tenant_id;
  const [status, setStatus] = useState('pending');
  const list = useApiQuery(accessRequestKeys.tenantRequests(tenantId, status), () => accessRequestsApi.tenantList(tenantId, status === 'all' ? undefined : status));
  const [rejecting, setRejecting] = useState<AccessRequest | null>(null);
  const approve = useApiMutation((r: AccessRequest) => accessRequestsApi.approve(tenantId, r.id), {
    success: (r) => (r.status === 'approved' ? `${r.partner.name} has access now, for ${r.duration_days} days.` : 'Approved. The request waits for a second admin.'),
    notifyError: true,
    invalidates: [accessRequestKeys.all, notificationKeys.all],
    onDone: list.reload,
  });
  const reject = useApiMutation((r: AccessRequest, reason?: string) => accessRequestsApi.reject(tenantId, r.id, reason), {
    success: 'Request rejected.',
    invalidates: [accessRequestKeys.all, notificationKeys.all],
    onDone: () => {
      setRejecting(null);
      list.reload();
    },
  });
  const rows = list.data?.data;
  return (
    <Stack gap="md">
      <PageHeader title="Access requests" description="Partners ask for access with a template. Approve or reject each request as a whole; your approval policy (Settings) says how many admins must approve." />
      <SegmentedControl
        value={status}
        onChange={setStatus}
        aria-label="Which requests"
        data={[
          { value: 'pending', label: 'Waiting' },
          { value: 'all', label: 'All' },
        ]}
      />
      <ErrorAlert error={list.error} />
      {list.loading && <Text c="dimmed">Loading requests…</Text>}
      {rows && rows.length === 0 && <Text>{status === 'pending' ? 'No request waits for an answer.' : 'No partner has asked for access with a template yet.'}</Text>}
      {rows?.map((r) => (
        <RequestCard key={r.id} r={r} meId={view.me.user.id} busy={approve.busy} onApprove={() => void approve.run(r)} onReject={() => setRejecting(r)} />
      ))}
      <ReasonModal
        opened={!!rejecting}
        title="Reject the request"
        message={`Reject ${rejecting?.partner.name ?? 'the partner'}'s request as a whole? The partner sees that it was rejected and may ask again.`}
        confirmLabel="Reject"
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
  const tenantId = view.tenant?.tenant_id;
  const list = useApiQuery(accessRequestKeys.tenantRequests(tenantId ?? '', 'pending'), () => accessRequestsApi.tenantList(tenantId ?? '', 'pending'), { enabled: !!tenantId });
  const me = view.me.user.id;
  const n = (list.data?.data ?? []).filter((r) => r.requested_by.id !== me && !r.approvals.some((a) => a.user_id === me)).length;
  if (!n) return null;
  return (
    <Badge size="sm" color="red" circle aria-label={`${n} access request${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} for your answer`} data-testid="nav-badge-access-requests">
      {n}
    </Badge>
  );
}
