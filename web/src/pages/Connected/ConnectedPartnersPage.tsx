/**
 * Tenant side: "Connected partners" — the partner apps a tenant admin approved on the OAuth
 * consent screen: the partner's verified name, the app, what it may do in plain words, the shared
 * billing accounts and the one billed, what it may use them for (its purposes, each withdrawn on its
 * own), until when, and when it was last used. Disconnecting
 * revokes the consent delegation: the app's refresh tokens stop working at once and its access
 * tokens are refused at their next check.
 */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Badge, Button, Group, Stack, Switch, Text } from '@mantine/core';
import { appsApi, type ConnectedAppDto } from '../../api/apps.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { appKeys } from '../../api/keys/apps.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { PurposesCell } from '../Delegations/PurposesCell.tsx';
import type { DelegationDto } from '../../api/delegations.ts';

const CONSENTS = { origin: 'consent' } as const;

export function ConnectedPartnersPage() {
  const t = useView().tenant!;
  const [showEnded, setShowEnded] = useState(false);
  const list = useApiQuery(appKeys.connected(t.tenant_id, showEnded), () => appsApi.connected(t.tenant_id, showEnded));
  // each connection's purposes, as the customer's delegations list tells them (withdrawn ones gone)
  const consents = useApiQuery(delegationKeys.tenantList(t.tenant_id, CONSENTS), () => delegationsApi.tenantList(t.tenant_id, CONSENTS), { staleTime: 0 });
  const byId = new Map((consents.data?.data ?? []).map((d) => [d.id, d]));
  const [disconnecting, setDisconnecting] = useState<ConnectedAppDto | null>(null);
  const disconnect = useApiMutation((c: ConnectedAppDto, reason?: string) => appsApi.disconnect(t.tenant_id, c.delegation_id, reason), {
    success: 'Disconnected. The app can no longer act for you.',
    onDone: () => {
      setDisconnecting(null);
      list.reload();
    },
  });
  const rows = list.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Connected partners"
        description={`Partner apps someone at ${t.name} allowed to act for you by signing in and approving. Each sees only the billing accounts you shared, for as long as you chose.`}
        actions={<Switch label="Show disconnected and expired" checked={showEnded} onChange={(e) => setShowEnded(e.currentTarget.checked)} />}
      />
      <ErrorAlert error={list.error} />
      <DataTable
        testId="connected-apps"
        records={rows}
        rowKey={(c) => c.delegation_id}
        verticalSpacing="sm"
        rowProps={(c) => ({ 'data-app': c.app.name, 'data-partner': c.partner.slug })}
        empty={'No partner app is connected. Apps appear here once you approve them on the Partnergate consent screen.'}
        loading={list.loading}
        columns={[
          {
            key: 'partner_and_app',
            title: 'Partner and app',
            mobile: 'title',
            render: (c) => (
              <>
                <Text fw={500}>{c.partner.name}</Text>
                <Text size="sm" c="dimmed">
                  {c.app.name}
                  {c.app.deleted ? ' (deleted by the partner)' : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  Connected {formatDate(c.connected_at)}
                  {c.approved_by ? ` by ${c.approved_by}` : ''}
                </Text>
              </>
            ),
          },
          {
            key: 'may',
            title: 'May',
            render: (c) => (
              <>
                <Stack gap={2}>
                  {c.permissions.map((p) => (
                    <Text key={p.scope} size="sm">
                      {p.description}
                    </Text>
                  ))}
                </Stack>
              </>
            ),
          },
          {
            key: 'billing_accounts',
            title: 'Billing accounts',
            render: (c) => (
              <>
                <Group gap={4}>
                  {c.billing_accounts.map((b) => (
                    <Badge key={b.id} variant={b.id === c.bill_to || b.account_number === c.bill_to ? 'filled' : 'light'} title={b.name}>
                      {b.account_number}
                    </Badge>
                  ))}
                </Group>
              </>
            ),
          },
          {
            key: 'purposes',
            title: 'For these purposes',
            render: (c) => <ConnectionPurposes tenantId={t.tenant_id} c={c} d={byId.get(c.delegation_id)} loading={consents.loading} onDone={consents.reload} />,
          },
          {
            key: 'status',
            title: 'Status',
            render: (c) => (
              <>
                <StatusBadge status={c.status} />
                <Text size="xs" c="dimmed">
                  {c.revoked_at ? `since ${formatDate(c.revoked_at)}` : `until ${formatDate(c.ends_at)}`}
                </Text>
              </>
            ),
          },
          { key: 'last_used', title: 'Last used', sortValue: (c) => c.last_used_at, render: (c) => <span data-testid="last-used">{c.last_used_at ? formatDateTime(c.last_used_at) : 'Never'}</span> },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer',
            align: 'right',
            render: (c) => (
              <>
                {c.status === 'active' && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => { disconnect.reset(); setDisconnecting(c); }}>
                    Disconnect
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      <ReasonModal
        opened={!!disconnecting}
        title={`Disconnect ${disconnecting?.app.name ?? ''}?`}
        message={`${disconnecting?.partner.name ?? 'The partner'} can no longer act for ${t.name} through this app: its refresh tokens stop working now and its access tokens are refused at their next use.`}
        confirmLabel="Disconnect"
        color="red"
        reason="optional"
        busy={disconnect.busy}
        error={disconnect.error}
        onClose={() => setDisconnecting(null)}
        onConfirm={(reason) => disconnecting && void disconnect.run(disconnecting, reason)}
      />
    </>
  );
}

/** What a connection may be used for, each purpose withdrawn on its own while it is active. */
function ConnectionPurposes({ tenantId, c, d, loading, onDone }: { tenantId: string; c: ConnectedAppDto; d: DelegationDto | undefined; loading: boolean; onDone(): void }) {
  if (!d) return <Text size="sm">{loading ? 'Loading…' : '—'}</Text>;
  if (c.status !== 'active') return <Text size="sm">{(d.purposes ?? []).length ? 'Ended with the connection' : '—'}</Text>;
  return <PurposesCell tenantId={tenantId} d={d} onDone={onDone} />;
}
