/** Operator console: every delegation on the platform, filterable by partner, tenant, status and origin; revoke any, break glass on a partner. */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Box, Button, Group, Select, Stack, Text } from '@mantine/core';
import { api } from '../../api/index.ts';
import { IconAlertTriangle } from '@tabler/icons-react';
import { delegationsApi, type DelegationDto, type DelegationFilter } from '../../api/delegations.ts';
import { chosen } from '../../api/schema.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, originLabel } from '../../components/format.ts';
import { useApiMutation, useApiList, useApiQuery } from '../../query/query.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';

const STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'];
const ORIGINS = ['link', 'consent', 'wholesale'] as const satisfies readonly NonNullable<DelegationFilter['origin']>[];

type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'partner'; partnerId: string; name: string };

type Choice = [string | null, (v: string | null) => void];

/** Status, origin, partner and tenant: partners and tenants picked by name, never typed as ids. */
function DelegationFilters(p: { status: Choice; origin: Choice; partner: Choice; tenant: Choice; partners: { value: string; label: string }[]; tenants: { value: string; label: string }[] }) {
  const { status, origin, partner, tenant, partners, tenants } = p;
  return (
    <Group align="flex-end">
      <Select label="Status" placeholder="Any" data={STATUSES} value={status[0]} onChange={status[1]} clearable w={160} />
      <Select label="Origin" placeholder="Any" data={ORIGINS} value={origin[0]} onChange={origin[1]} clearable w={160} />
      <Select
        label="Partner"
        placeholder="Any partner"
        searchable
        clearable
        data={partners}
        value={partner[0]}
        onChange={partner[1]}
        nothingFoundMessage="No partner by that name"
        w={300}
      />
      <Select
        label="Tenant"
        placeholder="Any tenant"
        searchable
        clearable
        data={tenants}
        value={tenant[0]}
        onChange={tenant[1]}
        nothingFoundMessage="No tenant by that name"
        w={300}
      />
    </Group>
  );
}

export function OperatorDelegationsPage() {
  const [status, setStatus] = useState<string | null>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [tenantId, setTenantId] = useState<string | null>(null);
  // Picked by name from the lists the operator can load, never typed as ids.
  const partners = useApiQuery(partnerKeys.list({ limit: 200 }), () => api.partners.list({ limit: 200 }));
  const tenants = useApiQuery(tenantKeys.list({ limit: 200 }), () => api.tenants.list({ limit: 200 }));
  const filter = { status: status ?? undefined, origin: chosen(ORIGINS, origin), partner_id: partnerId ?? undefined, tenant_id: tenantId ?? undefined };
  const list = useApiList(delegationKeys.operatorList({ status, origin, partnerId, tenantId }), (cursor) => delegationsApi.all({ ...filter, cursor }));
  const [revoking, setRevoking] = useState<Revoking | null>(null);
  const roles = useDelegationRoles();
  const revoke = useApiMutation(
    async (r: Revoking, reason: string) => {
      if (r.kind !== 'one') return (await delegationsApi.operatorBreakGlass(r.partnerId, reason)).revoked.length;
      await delegationsApi.operatorRevoke(r.d.id, reason);
      return 1;
    },
    {
      success: (n) => `${n} delegation${n === 1 ? '' : 's'} revoked.`,
      onDone: () => {
        setRevoking(null);
        list.reload();
      },
    },
  );

  return (
    <>
      <PageHeader title="Delegations" description="Every partner access to tenant data on the platform — links, consents and wholesale — with its status and end date." />
      <Stack>
        <DelegationFilters
          status={[status, setStatus]}
          origin={[origin, setOrigin]}
          partner={[partnerId, setPartnerId]}
          tenant={[tenantId, setTenantId]}
          partners={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          tenants={(tenants.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        />
        <ErrorAlert error={list.error} />
        <DataTable
          testId="all-delegations"
          records={list.items}
          rowKey={(d) => d.id}
          verticalSpacing="sm"
          rowProps={(d) => ({ 'data-delegation': d.id })}
          empty="No delegation matches."
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          loading={list.loading}
          columns={[
            { key: 'partner', title: 'Partner', mobile: 'title', render: (d) => <Text size="sm" fw={500}>{d.partner.name}</Text> },
            { key: 'tenant', title: 'Tenant', render: (d) => <Text size="sm">{d.tenant.name}</Text> },
            { key: 'origin', title: 'Origin', sortValue: (d) => d.origin, render: (d) => originLabel(d.origin) },
            { key: 'role', title: 'Role', render: (d) => roles.name(d.role) },
            { key: 'status', title: 'Status', render: (d) => <Box miw={104}><StatusBadge status={d.status} /></Box> },
            { key: 'ends', title: 'Ends', style: { whiteSpace: 'nowrap' }, sortValue: (d) => d.ends_at, render: (d) => formatDate(d.ends_at) },
            {
              key: 'actions',
              title: '',
              label: 'Actions',
              mobile: 'footer',
              render: (d) => (
                <>
                  <Group gap={4} justify="flex-end">
                    {(d.status === 'active' || d.status === 'requested') && (
                      <Button size="xs" variant="light" color="red" onClick={() => setRevoking({ kind: 'one', d })}>
                        Revoke
                      </Button>
                    )}
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconAlertTriangle size={14} />}
                      onClick={() => setRevoking({ kind: 'partner', partnerId: d.partner.id, name: d.partner.name ?? d.partner.id })}
                    >
                      Break glass
                    </Button>
                  </Group>
                </>
              ),
            },
          ]}
        />
      </Stack>
      <ReasonModal
        opened={!!revoking}
        title={revoking?.kind === 'partner' ? `Break glass on ${revoking.name}` : 'Revoke the delegation'}
        message={
          revoking?.kind === 'partner'
            ? `Every open delegation of ${revoking.name}, on every tenant, ends now in one step.`
            : `${revoking?.kind === 'one' ? revoking.d.partner.name : ''} loses access to ${revoking?.kind === 'one' ? revoking.d.tenant.name : ''} now.`
        }
        confirmLabel={revoking?.kind === 'partner' ? 'Revoke everything' : 'Revoke'}
        color="red"
        reason="required"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => setRevoking(null)}
        onConfirm={(reason) => revoking && void revoke.run(revoking, reason ?? '')}
      />
    </>
  );
}
