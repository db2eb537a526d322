/** Operator console: every delegation on the platform, filterable by partner, tenant, status and origin; revoke any, break glass on a partner. */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { useIntl } from 'react-intl';
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
import { defineMessages, type Message } from '../../i18n/define.ts';

const STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'];
const ORIGINS = ['link', 'consent', 'wholesale'] as const satisfies readonly NonNullable<DelegationFilter['origin']>[];

/** The filter's choices, as the server names them, in words. */
const STATUS_WORDS: Record<string, Message> = defineMessages({
  requested: { id: 'delegations.operator.status.requested', defaultMessage: 'requested' },
  active: { id: 'delegations.operator.status.active', defaultMessage: 'active' },
  expired: { id: 'delegations.operator.status.expired', defaultMessage: 'expired' },
  revoked: { id: 'delegations.operator.status.revoked', defaultMessage: 'revoked' },
  rejected: { id: 'delegations.operator.status.rejected', defaultMessage: 'rejected' },
});
const ORIGIN_WORDS: Record<string, Message> = defineMessages({
  link: { id: 'delegations.operator.origin.link', defaultMessage: 'link' },
  consent: { id: 'delegations.operator.origin.consent', defaultMessage: 'consent' },
  wholesale: { id: 'delegations.operator.origin.wholesale', defaultMessage: 'wholesale' },
});

const m = defineMessages({
  status: { id: 'delegations.operator.filter.status', defaultMessage: 'Status' },
  origin: { id: 'delegations.operator.filter.origin', defaultMessage: 'Origin' },
  any: { id: 'delegations.operator.filter.any', defaultMessage: 'Any' },
  partner: { id: 'delegations.operator.filter.partner', defaultMessage: 'Partner' },
  anyPartner: { id: 'delegations.operator.filter.any_partner', defaultMessage: 'Any partner' },
  noPartner: { id: 'delegations.operator.filter.no_partner', defaultMessage: 'No partner by that name' },
  tenant: { id: 'delegations.operator.filter.tenant', defaultMessage: 'Tenant' },
  anyTenant: { id: 'delegations.operator.filter.any_tenant', defaultMessage: 'Any tenant' },
  noTenant: { id: 'delegations.operator.filter.no_tenant', defaultMessage: 'No tenant by that name' },
  revoked: { id: 'delegations.operator.revoked', defaultMessage: '{count, plural, one {# delegation revoked.} other {# delegations revoked.}}' },
  title: { id: 'delegations.operator.title', defaultMessage: 'Delegations' },
  description: {
    id: 'delegations.operator.description',
    defaultMessage: 'Every partner access to tenant data on the platform — links, consents and wholesale — with its status and end date.',
  },
  empty: { id: 'delegations.operator.empty', defaultMessage: 'No delegation matches.' },
  colPartner: { id: 'delegations.operator.column.partner', defaultMessage: 'Partner' },
  colTenant: { id: 'delegations.operator.column.tenant', defaultMessage: 'Tenant' },
  colOrigin: { id: 'delegations.operator.column.origin', defaultMessage: 'Origin' },
  colRole: { id: 'delegations.operator.column.role', defaultMessage: 'Role' },
  colStatus: { id: 'delegations.operator.column.status', defaultMessage: 'Status' },
  colEnds: { id: 'delegations.operator.column.ends', defaultMessage: 'Ends' },
  colActions: { id: 'delegations.operator.column.actions', defaultMessage: 'Actions' },
  revoke: { id: 'delegations.operator.revoke', defaultMessage: 'Revoke' },
  breakGlass: { id: 'delegations.operator.break_glass', defaultMessage: 'Break glass' },
  breakGlassTitle: { id: 'delegations.operator.break_glass.title', defaultMessage: 'Break glass on {partner}' },
  breakGlassMessage: { id: 'delegations.operator.break_glass.message', defaultMessage: 'Every open delegation of {partner}, on every tenant, ends now in one step.' },
  breakGlassConfirm: { id: 'delegations.operator.break_glass.confirm', defaultMessage: 'Revoke everything' },
  revokeTitle: { id: 'delegations.operator.revoke.title', defaultMessage: 'Revoke the delegation' },
  revokeMessage: { id: 'delegations.operator.revoke.message', defaultMessage: '{partner} loses access to {tenant} now.' },
});

type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'partner'; partnerId: string; name: string };

type Choice = [string | null, (v: string | null) => void];

/** Status, origin, partner and tenant: partners and tenants picked by name, never typed as ids. */
function DelegationFilters(p: { status: Choice; origin: Choice; partner: Choice; tenant: Choice; partners: { value: string; label: string }[]; tenants: { value: string; label: string }[] }) {
  const { status, origin, partner, tenant, partners, tenants } = p;
  const intl = useIntl();
  const statuses = STATUSES.map((s) => ({ value: s, label: intl.formatMessage(STATUS_WORDS[s]) }));
  const origins = ORIGINS.map((o) => ({ value: o, label: intl.formatMessage(ORIGIN_WORDS[o]) }));
  return (
    <Group align="flex-end">
      <Select label={intl.formatMessage(m.status)} placeholder={intl.formatMessage(m.any)} data={statuses} value={status[0]} onChange={status[1]} clearable w={160} />
      <Select label={intl.formatMessage(m.origin)} placeholder={intl.formatMessage(m.any)} data={origins} value={origin[0]} onChange={origin[1]} clearable w={160} />
      <Select
        label={intl.formatMessage(m.partner)}
        placeholder={intl.formatMessage(m.anyPartner)}
        searchable
        clearable
        data={partners}
        value={partner[0]}
        onChange={partner[1]}
        nothingFoundMessage={intl.formatMessage(m.noPartner)}
        w={300}
      />
      <Select
        label={intl.formatMessage(m.tenant)}
        placeholder={intl.formatMessage(m.anyTenant)}
        searchable
        clearable
        data={tenants}
        value={tenant[0]}
        onChange={tenant[1]}
        nothingFoundMessage={intl.formatMessage(m.noTenant)}
        w={300}
      />
    </Group>
  );
}

export function OperatorDelegationsPage() {
  const intl = useIntl();
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
      success: (n) => intl.formatMessage(m.revoked, { count: n }),
      onDone: () => {
        setRevoking(null);
        list.reload();
      },
    },
  );

  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
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
          empty={intl.formatMessage(m.empty)}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          loading={list.loading}
          columns={[
            { key: 'partner', title: intl.formatMessage(m.colPartner), mobile: 'title', render: (d) => <Text size="sm" fw={500}>{d.partner.name}</Text> },
            { key: 'tenant', title: intl.formatMessage(m.colTenant), render: (d) => <Text size="sm">{d.tenant.name}</Text> },
            { key: 'origin', title: intl.formatMessage(m.colOrigin), sortValue: (d) => d.origin, render: (d) => originLabel(d.origin) },
            { key: 'role', title: intl.formatMessage(m.colRole), render: (d) => roles.name(d.role) },
            { key: 'status', title: intl.formatMessage(m.colStatus), render: (d) => <Box miw={104}><StatusBadge status={d.status} /></Box> },
            { key: 'ends', title: intl.formatMessage(m.colEnds), style: { whiteSpace: 'nowrap' }, sortValue: (d) => d.ends_at, render: (d) => formatDate(d.ends_at) },
            {
              key: 'actions',
              title: '',
              label: intl.formatMessage(m.colActions),
              mobile: 'footer',
              render: (d) => (
                <>
                  <Group gap={4} justify="flex-end">
                    {(d.status === 'active' || d.status === 'requested') && (
                      <Button size="xs" variant="light" color="red" onClick={() => setRevoking({ kind: 'one', d })}>
                        {intl.formatMessage(m.revoke)}
                      </Button>
                    )}
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconAlertTriangle size={14} />}
                      onClick={() => setRevoking({ kind: 'partner', partnerId: d.partner.id, name: d.partner.name ?? d.partner.id })}
                    >
                      {intl.formatMessage(m.breakGlass)}
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
        title={revoking?.kind === 'partner' ? intl.formatMessage(m.breakGlassTitle, { partner: revoking.name }) : intl.formatMessage(m.revokeTitle)}
        message={
          revoking?.kind === 'partner'
            ? intl.formatMessage(m.breakGlassMessage, { partner: revoking.name })
            : intl.formatMessage(m.revokeMessage, { partner: revoking?.kind === 'one' ? revoking.d.partner.name : '', tenant: revoking?.kind === 'one' ? revoking.d.tenant.name : '' })
        }
        confirmLabel={intl.formatMessage(revoking?.kind === 'partner' ? m.breakGlassConfirm : m.revoke)}
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
