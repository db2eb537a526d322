/**
 * The parts of "Partners with access": the requests waiting for an answer, the active access's
 * columns (with a renewal to accept or decline, and the approver warning) and the history.
 */
import { Alert, Anchor, Box, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import type { DelegationDto } from '../../api/delegations.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { OwnRequestNote } from '../../components/OwnRequestNote.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime, originLabel } from '../../components/format.ts';
import type { Action } from '../../query/query.ts';
import { AccessChangeWords } from './AccessWords.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  asRoleAllows: { id: 'delegations.tenant.overrides.as_role_allows', defaultMessage: 'As the role allows' },
  waiting: { id: 'delegations.tenant.pending.title', defaultMessage: 'Requests waiting for you ({count})' },
  noPending: { id: 'delegations.tenant.pending.none', defaultMessage: 'No pending requests.' },
  asksSome: { id: 'delegations.tenant.pending.asks_some', defaultMessage: 'asks for <b>{role}</b> on billing accounts {accounts} until {until}' },
  asksAll: { id: 'delegations.tenant.pending.asks_all', defaultMessage: 'asks for <b>{role}</b> on all billing accounts until {until}' },
  quoted: { id: 'delegations.tenant.pending.quoted', defaultMessage: '“{text}”' },
  requested: { id: 'delegations.tenant.pending.requested', defaultMessage: 'Requested {when}' },
  approve: { id: 'delegations.tenant.pending.approve', defaultMessage: 'Approve' },
  reject: { id: 'delegations.tenant.pending.reject', defaultMessage: 'Reject' },
  approverGone: {
    id: 'delegations.tenant.approver_gone',
    defaultMessage:
      "The admin who approved {partner}'s access is no longer an active admin of this tenant, so the partner is refused until a current admin confirms it. Confirm to become its approver, or revoke it.",
  },
  confirm: { id: 'delegations.tenant.approver_gone.confirm', defaultMessage: 'Confirm' },
  renewalTo: { id: 'delegations.tenant.renewal_to', defaultMessage: 'renewal to {date}?' },
  accept: { id: 'delegations.tenant.renewal.accept', defaultMessage: 'Accept' },
  decline: { id: 'delegations.tenant.renewal.decline', defaultMessage: 'Decline' },
  colPartner: { id: 'delegations.tenant.column.partner', defaultMessage: 'Partner' },
  originViaApp: { id: 'delegations.tenant.origin_via_app', defaultMessage: '{origin} · through a connected app' },
  colRole: { id: 'delegations.tenant.column.role', defaultMessage: 'Role' },
  colPurposes: { id: 'delegations.tenant.column.purposes', defaultMessage: 'For these purposes' },
  colAccounts: { id: 'delegations.tenant.column.accounts', defaultMessage: 'Billing accounts' },
  colBeyond: { id: 'delegations.tenant.column.beyond_role', defaultMessage: 'Beyond the role' },
  colEnds: { id: 'delegations.tenant.column.ends', defaultMessage: 'Ends' },
  colActions: { id: 'delegations.tenant.column.actions', defaultMessage: 'Actions' },
  edit: { id: 'delegations.tenant.edit_access', defaultMessage: 'Edit access' },
  revoke: { id: 'delegations.tenant.revoke', defaultMessage: 'Revoke' },
  breakGlass: { id: 'delegations.tenant.break_glass', defaultMessage: 'Break glass' },
  history: { id: 'delegations.tenant.history.title', defaultMessage: 'History' },
  historyEmpty: { id: 'delegations.tenant.history.empty', defaultMessage: 'Nothing here yet.' },
  colStatus: { id: 'delegations.tenant.column.status', defaultMessage: 'Status' },
  colReason: { id: 'delegations.tenant.column.reason', defaultMessage: 'Reason' },
  colWhen: { id: 'delegations.tenant.column.when', defaultMessage: 'When' },
});

const bold = (chunks: ReactNode[]) => <b>{chunks}</b>;

export type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'all'; partnerId: string; partnerName: string };

/** What a link adds to or takes from its role, in sentences (never as permission names). */
export function Overrides({ d }: { d: DelegationDto }) {
  const intl = useIntl();
  return <AccessChangeWords overrides={d.overrides} empty={intl.formatMessage(m.asRoleAllows)} />;
}

export function PendingRequests({
  pending,
  roleName,
  bansOf,
  onApprove,
  onReject,
}: {
  pending: DelegationDto[];
  roleName(id: string): string;
  bansOf(d: DelegationDto): string;
  onApprove(d: DelegationDto): void;
  onReject(d: DelegationDto): void;
}) {
  const intl = useIntl();
  return (
    <section>
      <Title order={3} size="h4" mb="xs">
        {intl.formatMessage(m.waiting, { count: pending.length })}
      </Title>
      {pending.length === 0 && (
        <Text size="sm" c="dimmed">
          {intl.formatMessage(m.noPending)}
        </Text>
      )}
      <Stack gap="sm" data-testid="pending-requests">
        {pending.map((d) => (
          <Card key={d.id} withBorder radius="md" data-delegation={d.id} data-partner={d.partner.slug}>
            <Group justify="space-between" align="flex-start">
              <Stack gap={2}>
                <Text fw={600}>{d.partner.name}</Text>
                <Text size="sm">
                  {d.ban_ids ? (
                    <FormattedMessage {...m.asksSome} values={{ role: roleName(d.role), accounts: bansOf(d), until: formatDate(d.ends_at), b: bold }} />
                  ) : (
                    <FormattedMessage {...m.asksAll} values={{ role: roleName(d.role), until: formatDate(d.ends_at), b: bold }} />
                  )}
                </Text>
                {d.justification && (
                  <Text size="sm" c="dimmed">
                    {intl.formatMessage(m.quoted, { text: d.justification })}
                  </Text>
                )}
                <Overrides d={d} />
                <Text size="xs" c="dimmed">
                  {intl.formatMessage(m.requested, { when: formatDateTime(d.requested_at) })}
                </Text>
              </Stack>
              <Group gap="xs">
                <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => onApprove(d)}>
                  {intl.formatMessage(m.approve)}
                </Button>
                <Button variant="default" onClick={() => onReject(d)}>
                  {intl.formatMessage(m.reject)}
                </Button>
              </Group>
            </Group>
          </Card>
        ))}
      </Stack>
    </section>
  );
}

/** An active access whose approving admin is no longer an active admin: the partner is refused until someone confirms it. */
export function ApproverWarning({ d, confirm }: { d: DelegationDto; confirm: Action<[DelegationDto], unknown> }) {
  const intl = useIntl();
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" style={{ flex: '1 1 240px' }}>
          {intl.formatMessage(m.approverGone, { partner: d.partner.name })}
        </Text>
        <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} loading={confirm.busy} onClick={() => void confirm.run(d)} style={{ flexShrink: 0 }}>
          {intl.formatMessage(m.confirm)}
        </Button>
      </Group>
    </Alert>
  );
}

/** When the access ends, and a renewal asked for: accept or decline it (not your own request). */
export function EndsCell({ d, mine, tenantName, renewal }: { d: DelegationDto; mine: boolean; tenantName: string; renewal: Action<[DelegationDto, boolean], unknown> }) {
  const intl = useIntl();
  return (
    <>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatDate(d.ends_at)}
      </Text>
      {d.renewal_ends_at && (
        <Group gap={4} mt={4}>
          <Text size="xs" fw={600} c="yellow.8" style={{ whiteSpace: 'nowrap' }}>
            {intl.formatMessage(m.renewalTo, { date: formatDate(d.renewal_ends_at) })}
          </Text>
          {mine ? (
            <OwnRequestNote tenantName={tenantName} />
          ) : (
            <Button size="compact-xs" color="teal" onClick={() => void renewal.run(d, true)}>
              {intl.formatMessage(m.accept)}
            </Button>
          )}
          <Button size="compact-xs" variant="default" onClick={() => void renewal.run(d, false)}>
            {intl.formatMessage(m.decline)}
          </Button>
        </Group>
      )}
    </>
  );
}

export function activeColumns(on: {
  intl: IntlShape;
  tenantId: string;
  roleName(id: string): string;
  bansOf(d: DelegationDto): string;
  ends(d: DelegationDto): ReactNode;
  /** what the access is for, each purpose revocable on its own */
  purposes(d: DelegationDto): ReactNode;
  edit(d: DelegationDto): void;
  revoke(r: Revoking): void;
}): Column<DelegationDto>[] {
  const { intl } = on;
  return [
    {
      key: 'partner',
      title: intl.formatMessage(m.colPartner),
      mobile: 'title',
      sortValue: (d) => d.partner.name,
      render: (d) => (
        <>
          <Anchor component={Link} to={`/tenant/${on.tenantId}/partners/${d.id}`} fw={500} fz="inherit">
            {d.partner.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {d.client_id ? intl.formatMessage(m.originViaApp, { origin: originLabel(d.origin) }) : originLabel(d.origin)}
          </Text>
        </>
      ),
    },
    { key: 'role', title: intl.formatMessage(m.colRole), sortValue: (d) => on.roleName(d.role), render: (d) => on.roleName(d.role) },
    { key: 'purposes', title: intl.formatMessage(m.colPurposes), render: on.purposes },
    { key: 'bans', title: intl.formatMessage(m.colAccounts), render: (d) => on.bansOf(d) },
    { key: 'overrides', title: intl.formatMessage(m.colBeyond), render: (d) => <Overrides d={d} /> },
    {
      key: 'ends',
      title: intl.formatMessage(m.colEnds),
      sortValue: (d) => d.ends_at,
      render: on.ends,
    },
    {
      key: 'actions',
      title: '',
      label: intl.formatMessage(m.colActions),
      mobile: 'footer',
      render: (d) => (
        <Group gap="xs" justify="flex-end" wrap="wrap">
          <Button size="xs" variant="default" onClick={() => on.edit(d)}>
            {intl.formatMessage(m.edit)}
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => on.revoke({ kind: 'one', d })}>
            {intl.formatMessage(m.revoke)}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconAlertTriangle size={14} />}
            onClick={() => on.revoke({ kind: 'all', partnerId: d.partner.id, partnerName: d.partner.name ?? d.partner.id })}
          >
            {intl.formatMessage(m.breakGlass)}
          </Button>
        </Group>
      ),
    },
  ];
}

export function HistoryTable({ past, roleName, loading }: { past: DelegationDto[]; roleName(id: string): string; loading: boolean }) {
  const intl = useIntl();
  return (
    <section>
      <Title order={3} size="h4" mb="xs">
        {intl.formatMessage(m.history)}
      </Title>
      <DataTable
        testId="past-delegations"
        records={past}
        rowKey={(d) => d.id}
        verticalSpacing="xs"
        rowProps={(d) => ({ 'data-delegation': d.id })}
        empty={intl.formatMessage(m.historyEmpty)}
        loading={loading}
        columns={[
          { key: 'partner', title: intl.formatMessage(m.colPartner), mobile: 'title', render: (d) => d.partner.name },
          { key: 'role', title: intl.formatMessage(m.colRole), render: (d) => roleName(d.role) },
          {
            key: 'status',
            title: intl.formatMessage(m.colStatus),
            render: (d) => (
              <>
                <Box miw={104}>
                  <StatusBadge status={d.status} />
                </Box>
              </>
            ),
          },
          { key: 'reason', title: intl.formatMessage(m.colReason), render: (d) => d.revoke_reason ?? '—' },
          { key: 'when', title: intl.formatMessage(m.colWhen), render: (d) => formatDateTime(d.revoked_at ?? d.decided_at ?? d.ends_at) },
        ]}
      />
    </section>
  );
}
