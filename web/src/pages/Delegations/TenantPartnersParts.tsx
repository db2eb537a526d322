/**
 * The parts of "Partners with access": the requests waiting for an answer, the active access's
 * columns (with a renewal to accept or decline, and the approver warning) and the history.
 */
import { Alert, Anchor, Box, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ReactNode } from 'react';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import type { DelegationDto } from '../../api/delegations.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { OwnRequestNote } from '../../components/OwnRequestNote.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime, originLabel } from '../../components/format.ts';
import type { Action } from '../../query/query.ts';
import { AccessChangeWords } from './AccessWords.tsx';

export type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'all'; partnerId: string; partnerName: string };

/** What a link adds to or takes from its role, in sentences (never as permission names). */
export function Overrides({ d }: { d: DelegationDto }) {
  return <AccessChangeWords overrides={d.overrides} empty="As the role allows" />;
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
  return (
    <section>
      <Title order={4} mb="xs">
        Requests waiting for you ({pending.length})
      </Title>
      {pending.length === 0 && (
        <Text size="sm" c="dimmed">
          No pending requests.
        </Text>
      )}
      <Stack gap="sm" data-testid="pending-requests">
        {pending.map((d) => (
          <Card key={d.id} withBorder radius="md" data-delegation={d.id} data-partner={d.partner.slug}>
            <Group justify="space-between" align="flex-start">
              <Stack gap={2}>
                <Text fw={600}>{d.partner.name}</Text>
                <Text size="sm">
                  asks for <b>{roleName(d.role)}</b> on {d.ban_ids ? `billing accounts ${bansOf(d)}` : 'all billing accounts'} until {formatDate(d.ends_at)}
                </Text>
                {d.justification && (
                  <Text size="sm" c="dimmed">
                    “{d.justification}”
                  </Text>
                )}
                <Overrides d={d} />
                <Text size="xs" c="dimmed">
                  Requested {formatDateTime(d.requested_at)}
                </Text>
              </Stack>
              <Group gap="xs">
                <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => onApprove(d)}>
                  Approve
                </Button>
                <Button variant="default" onClick={() => onReject(d)}>
                  Reject
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
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" style={{ flex: '1 1 240px' }}>
          The admin who approved {d.partner.name}'s access is no longer an active admin of this tenant, so the partner is refused until a current admin confirms
          it. Confirm to become its approver, or revoke it.
        </Text>
        <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} loading={confirm.busy} onClick={() => void confirm.run(d)} style={{ flexShrink: 0 }}>
          Confirm
        </Button>
      </Group>
    </Alert>
  );
}

/** When the access ends, and a renewal asked for: accept or decline it (not your own request). */
export function EndsCell({ d, mine, tenantName, renewal }: { d: DelegationDto; mine: boolean; tenantName: string; renewal: Action<[DelegationDto, boolean], unknown> }) {
  return (
    <>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatDate(d.ends_at)}
      </Text>
      {d.renewal_ends_at && (
        <Group gap={4} mt={4}>
          <Text size="xs" fw={600} c="yellow.8" style={{ whiteSpace: 'nowrap' }}>
            renewal to {formatDate(d.renewal_ends_at)}?
          </Text>
          {mine ? (
            <OwnRequestNote tenantName={tenantName} />
          ) : (
            <Button size="compact-xs" color="teal" onClick={() => void renewal.run(d, true)}>
              Accept
            </Button>
          )}
          <Button size="compact-xs" variant="default" onClick={() => void renewal.run(d, false)}>
            Decline
          </Button>
        </Group>
      )}
    </>
  );
}

export function activeColumns(on: {
  tenantId: string;
  roleName(id: string): string;
  bansOf(d: DelegationDto): string;
  ends(d: DelegationDto): ReactNode;
  /** what the access is for, each purpose revocable on its own */
  purposes(d: DelegationDto): ReactNode;
  edit(d: DelegationDto): void;
  revoke(r: Revoking): void;
}): Column<DelegationDto>[] {
  return [
    {
      key: 'partner',
      title: 'Partner',
      mobile: 'title',
      sortValue: (d) => d.partner.name,
      render: (d) => (
        <>
          <Anchor component={Link} to={`/tenant/${on.tenantId}/partners/${d.id}`} fw={500} fz="inherit">
            {d.partner.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {originLabel(d.origin)}
            {d.client_id ? ' · through a connected app' : ''}
          </Text>
        </>
      ),
    },
    { key: 'role', title: 'Role', sortValue: (d) => on.roleName(d.role), render: (d) => on.roleName(d.role) },
    { key: 'purposes', title: 'For these purposes', render: on.purposes },
    { key: 'bans', title: 'Billing accounts', render: (d) => on.bansOf(d) },
    { key: 'overrides', title: 'Beyond the role', render: (d) => <Overrides d={d} /> },
    {
      key: 'ends',
      title: 'Ends',
      sortValue: (d) => d.ends_at,
      render: on.ends,
    },
    {
      key: 'actions',
      title: '',
      label: 'Actions',
      mobile: 'footer',
      render: (d) => (
        <Group gap="xs" justify="flex-end" wrap="wrap">
          <Button size="xs" variant="default" onClick={() => on.edit(d)}>
            Edit access
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => on.revoke({ kind: 'one', d })}>
            Revoke
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconAlertTriangle size={14} />}
            onClick={() => on.revoke({ kind: 'all', partnerId: d.partner.id, partnerName: d.partner.name ?? d.partner.id })}
          >
            Break glass
          </Button>
        </Group>
      ),
    },
  ];
}

export function HistoryTable({ past, roleName, loading }: { past: DelegationDto[]; roleName(id: string): string; loading: boolean }) {
  return (
    <section>
      <Title order={4} mb="xs">
        History
      </Title>
      <DataTable
        testId="past-delegations"
        records={past}
        rowKey={(d) => d.id}
        verticalSpacing="xs"
        rowProps={(d) => ({ 'data-delegation': d.id })}
        empty={'Nothing here yet.'}
        loading={loading}
        columns={[
          { key: 'partner', title: 'Partner', mobile: 'title', render: (d) => d.partner.name },
          { key: 'role', title: 'Role', render: (d) => roleName(d.role) },
          {
            key: 'status',
            title: 'Status',
            render: (d) => (
              <>
                <Box miw={104}>
                  <StatusBadge status={d.status} />
                </Box>
              </>
            ),
          },
          { key: 'reason', title: 'Reason', render: (d) => d.revoke_reason ?? '—' },
          { key: 'when', title: 'When', render: (d) => formatDateTime(d.revoked_at ?? d.decided_at ?? d.ends_at) },
        ]}
      />
    </section>
  );
}
