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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  disconnected: { id: 'connected.disconnected', defaultMessage: 'Disconnected. The app can no longer act for you.' },
  title: { id: 'connected.title', defaultMessage: 'Connected partners' },
  description: {
    id: 'connected.description',
    defaultMessage: 'Partner apps someone at {tenant} allowed to act for you by signing in and approving. Each sees only the billing accounts you shared, for as long as you chose.',
  },
  showEnded: { id: 'connected.show_ended', defaultMessage: 'Show disconnected and expired' },
  empty: { id: 'connected.empty', defaultMessage: 'No partner app is connected. Apps appear here once you approve them on the Partnergate consent screen.' },
  partnerAndApp: { id: 'connected.column.partner_and_app', defaultMessage: 'Partner and app' },
  deletedByPartner: { id: 'connected.app_deleted', defaultMessage: '{app} (deleted by the partner)' },
  connectedOn: { id: 'connected.connected_on', defaultMessage: 'Connected {date}' },
  connectedOnBy: { id: 'connected.connected_on_by', defaultMessage: 'Connected {date} by {person}' },
  may: { id: 'connected.column.may', defaultMessage: 'May' },
  billingAccounts: { id: 'connected.column.billing_accounts', defaultMessage: 'Billing accounts' },
  purposes: { id: 'connected.column.purposes', defaultMessage: 'For these purposes' },
  status: { id: 'connected.column.status', defaultMessage: 'Status' },
  since: { id: 'connected.status.since', defaultMessage: 'since {date}' },
  until: { id: 'connected.status.until', defaultMessage: 'until {date}' },
  lastUsed: { id: 'connected.column.last_used', defaultMessage: 'Last used' },
  never: { id: 'connected.last_used.never', defaultMessage: 'Never' },
  actions: { id: 'connected.column.actions', defaultMessage: 'Actions' },
  disconnect: { id: 'connected.disconnect', defaultMessage: 'Disconnect' },
  disconnectTitle: { id: 'connected.disconnect.title', defaultMessage: 'Disconnect {app}?' },
  thePartner: { id: 'connected.disconnect.the_partner', defaultMessage: 'The partner' },
  disconnectMessage: {
    id: 'connected.disconnect.message',
    defaultMessage: '{partner} can no longer act for {tenant} through this app: its refresh tokens stop working now and its access tokens are refused at their next use.',
  },
  loading: { id: 'connected.purposes.loading', defaultMessage: 'Loading…' },
  endedWith: { id: 'connected.purposes.ended', defaultMessage: 'Ended with the connection' },
});

const CONSENTS = { origin: 'consent' } as const;

export function ConnectedPartnersPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  const [showEnded, setShowEnded] = useState(false);
  const list = useApiQuery(appKeys.connected(t.tenant_id, showEnded), () => appsApi.connected(t.tenant_id, showEnded));
  // each connection's purposes, as the customer's delegations list tells them (withdrawn ones gone)
  const consents = useApiQuery(delegationKeys.tenantList(t.tenant_id, CONSENTS), () => delegationsApi.tenantList(t.tenant_id, CONSENTS), { staleTime: 0 });
  const byId = new Map((consents.data?.data ?? []).map((d) => [d.id, d]));
  const [disconnecting, setDisconnecting] = useState<ConnectedAppDto | null>(null);
  const disconnect = useApiMutation((c: ConnectedAppDto, reason?: string) => appsApi.disconnect(t.tenant_id, c.delegation_id, reason), {
    success: intl.formatMessage(m.disconnected),
    onDone: () => {
      setDisconnecting(null);
      list.reload();
    },
  });
  const rows = list.data?.data ?? [];

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { tenant: t.name })}
        actions={<Switch label={intl.formatMessage(m.showEnded)} checked={showEnded} onChange={(e) => setShowEnded(e.currentTarget.checked)} />}
      />
      <ErrorAlert error={list.error} />
      <DataTable
        testId="connected-apps"
        records={rows}
        rowKey={(c) => c.delegation_id}
        verticalSpacing="sm"
        rowProps={(c) => ({ 'data-app': c.app.name, 'data-partner': c.partner.slug })}
        empty={intl.formatMessage(m.empty)}
        loading={list.loading}
        columns={[
          {
            key: 'partner_and_app',
            title: intl.formatMessage(m.partnerAndApp),
            mobile: 'title',
            render: (c) => <PartnerAndApp c={c} />,
          },
          {
            key: 'may',
            title: intl.formatMessage(m.may),
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
            title: intl.formatMessage(m.billingAccounts),
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
            title: intl.formatMessage(m.purposes),
            render: (c) => <ConnectionPurposes tenantId={t.tenant_id} c={c} d={byId.get(c.delegation_id)} loading={consents.loading} onDone={consents.reload} />,
          },
          {
            key: 'status',
            title: intl.formatMessage(m.status),
            render: (c) => (
              <>
                <StatusBadge status={c.status} />
                <Text size="xs" c="dimmed">
                  {c.revoked_at ? intl.formatMessage(m.since, { date: formatDate(c.revoked_at) }) : intl.formatMessage(m.until, { date: formatDate(c.ends_at) })}
                </Text>
              </>
            ),
          },
          { key: 'last_used', title: intl.formatMessage(m.lastUsed), sortValue: (c) => c.last_used_at, render: (c) => <span data-testid="last-used">{c.last_used_at ? formatDateTime(c.last_used_at) : intl.formatMessage(m.never)}</span> },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.actions),
            mobile: 'footer',
            align: 'right',
            render: (c) => (
              <>
                {c.status === 'active' && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => { disconnect.reset(); setDisconnecting(c); }}>
                    <FormattedMessage {...m.disconnect} />
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      <ReasonModal
        opened={!!disconnecting}
        title={intl.formatMessage(m.disconnectTitle, { app: disconnecting?.app.name ?? '' })}
        message={intl.formatMessage(m.disconnectMessage, { partner: disconnecting?.partner.name ?? intl.formatMessage(m.thePartner), tenant: t.name })}
        confirmLabel={intl.formatMessage(m.disconnect)}
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

/** The partner, its app, and when (and by whom) it was connected. */
function PartnerAndApp({ c }: { c: ConnectedAppDto }) {
  const intl = useIntl();
  return (
    <>
      <Text fw={500}>{c.partner.name}</Text>
      <Text size="sm" c="dimmed">
        {c.app.deleted ? intl.formatMessage(m.deletedByPartner, { app: c.app.name }) : c.app.name}
      </Text>
      <Text size="xs" c="dimmed">
        {c.approved_by
          ? intl.formatMessage(m.connectedOnBy, { date: formatDate(c.connected_at), person: c.approved_by })
          : intl.formatMessage(m.connectedOn, { date: formatDate(c.connected_at) })}
      </Text>
    </>
  );
}

/** What a connection may be used for, each purpose withdrawn on its own while it is active. */
function ConnectionPurposes({ tenantId, c, d, loading, onDone }: { tenantId: string; c: ConnectedAppDto; d: DelegationDto | undefined; loading: boolean; onDone(): void }) {
  const intl = useIntl();
  if (!d) return <Text size="sm">{loading ? intl.formatMessage(m.loading) : '—'}</Text>;
  if (c.status !== 'active') return <Text size="sm">{(d.purposes ?? []).length ? intl.formatMessage(m.endedWith) : '—'}</Text>;
  return <PurposesCell tenantId={tenantId} d={d} onDone={onDone} />;
}
