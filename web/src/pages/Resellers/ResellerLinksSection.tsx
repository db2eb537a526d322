/**
 * On the customer's "Partners with access" page (two-tier partners): the links held by partners
 * that resell under a distributor, each shown as "<distributor> through <reseller>", with the
 * customer's switch letting the distributor act through that link (off until the customer turns
 * it on; the distributor then gets the link's access ∩ its own people's roles).
 */
import { Stack, Switch, Text, Title } from '@mantine/core';
import { resellersApi, type ResellerLink } from '../../api/resellers.ts';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

export function ResellerLinksSection({ tenantId, canManage }: { tenantId: string; /** the server's decision: may this person change the links */ canManage: boolean }) {
  const list = useApiQuery(resellerKeys.links(tenantId), () => resellersApi.links(tenantId));
  const toggle = useApiMutation((l: ResellerLink, allowed: boolean) => resellersApi.setDistributorAccess(tenantId, l.delegation_id, allowed), {
    success: (l) => (l.distributor_access ? `${l.distributor.name} may now act through ${l.reseller.name}'s link.` : `${l.distributor.name} can no longer act through ${l.reseller.name}'s link.`),
    invalidates: [resellerKeys.links(tenantId)],
  });
  const rows = list.data?.data ?? [];
  // nothing to say when no partner with access resells under a distributor
  if (!list.loading && !list.error && rows.length === 0) return null;
  return (
    <section data-testid="reseller-links">
      <Title order={4} mb={4}>
        Distributors of your partners
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Some partners resell under a distributor. A distributor sees nothing of yours unless you allow it here, link by link; then it may do what the link allows and no more, until the link ends.
      </Text>
      <ErrorAlert error={list.error ?? toggle.error} />
      <DataTable
        testId="reseller-links-table"
        records={rows}
        loading={list.loading}
        rowKey={(l) => l.delegation_id}
        rowProps={(l) => ({ 'data-distributor': l.distributor.name, 'data-reseller': l.reseller.name })}
        empty="No partner with access resells under a distributor."
        columns={[
          {
            key: 'who',
            title: 'Distributor',
            mobile: 'title',
            render: (l) => (
              <Stack gap={0}>
                <Text fw={500}>{l.distributor.name}</Text>
                <Text size="sm" c="dimmed">
                  through {l.reseller.name}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'access',
            title: 'May act through this link',
            render: (l) => (
              <Switch
                checked={l.distributor_access}
                disabled={!canManage || toggle.busy}
                onChange={(e) => void toggle.run(l, e.currentTarget.checked)}
                label={l.distributor_access ? 'Allowed' : 'Not allowed'}
                aria-label={`Let ${l.distributor.name} act through ${l.reseller.name}'s link`}
                data-testid="distributor-access"
              />
            ),
          },
        ]}
      />
    </section>
  );
}
