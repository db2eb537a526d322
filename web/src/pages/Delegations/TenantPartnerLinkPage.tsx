/**
 * Tenant side: one partner's access — what it may do in words, on which billing accounts and
 * until when — and the relationship details both sides keep (contract reference, contacts, notes).
 */
import { Link, useParams } from 'react-router';
import { Anchor, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { accountsWords } from '../AccessReview/reachWords.tsx';
import { AccessChangeWords } from './AccessWords.tsx';
import { RelationshipPanel } from './RelationshipPanel.tsx';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';

export function TenantPartnerLinkPage() {
  const { delegationId = '' } = useParams();
  const view = useView();
  const tenantId = view.tenant!.tenant_id;
  const roles = useDelegationRoles();
  const link = useApiQuery(delegationKeys.tenantOne(tenantId, delegationId), () => delegationsApi.tenantGet(tenantId, delegationId));
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const d = link.data;
  const open = d?.status === 'active' || d?.status === 'requested';
  const covered = d?.ban_ids ? (accounts.data?.data ?? []).filter((b) => d.ban_ids!.includes(b.id)) : null;
  return (
    <>
      <Anchor component={Link} to={`/tenant/${tenantId}/partners`} size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> Partners with access
      </Anchor>
      <ErrorAlert error={link.error} />
      {!d && !link.error && <Text c="dimmed">Loading…</Text>}
      {d && (
        <>
          <PageHeader title={d.partner.name ?? 'Partner'} badge={<StatusBadge status={d.status} />} description={`${roles.name(d.role)} · until ${formatDate(d.ends_at)}`} />
          <Stack gap="lg">
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Paper withBorder radius="md" p="md" data-testid="link-access">
                <Text fw={600} size="sm" mb="xs">
                  What {d.partner.name} may do
                </Text>
                <Text size="sm">As {roles.name(d.role)}.</Text>
                <AccessChangeWords overrides={d.overrides} />
              </Paper>
              <Paper withBorder radius="md" p="md">
                <Text fw={600} size="sm" mb="xs">
                  Billing accounts
                </Text>
                <Text size="sm">{covered === null ? accountsWords(null) : accountsWords(covered)}</Text>
                <Text size="xs" c="dimmed" mt="xs">
                  Access ends on {formatDate(d.ends_at)}.
                </Text>
              </Paper>
            </SimpleGrid>
            <RelationshipPanel
              queryKey={delegationKeys.relationship('tenant', tenantId, delegationId)}
              load={() => delegationsApi.tenantRelationship(tenantId, delegationId)}
              save={(body) => delegationsApi.setTenantRelationship(tenantId, delegationId, body)}
              side="tenant"
              counterpart={d.partner.name ?? 'The partner'}
              canEdit={open}
            />
          </Stack>
        </>
      )}
    </>
  );
}
