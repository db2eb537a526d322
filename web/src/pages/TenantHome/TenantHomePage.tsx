/** The tenant home: who the tenant is, your role, and where to go next. */
import { Link } from 'react-router';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { api } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { roleLabel, allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';

export function TenantHomePage() {
  const view = useView();
  const m = view.tenant!;
  const tenant = useApiQuery(['tenants', 'get', m.tenant_id], () => api.tenants.get(m.tenant_id));
  const bans = useApiQuery(['tenants', 'billingAccounts', m.tenant_id], () => api.tenants.billingAccounts(m.tenant_id));
  const isAdmin = allows(m, 'tenant.billing_accounts.manage');
  const base = `/tenant/${m.tenant_id}`;
  return (
    <>
      <PageHeader
        title={m.name}
        badge={<StatusBadge status={tenant.data?.status ?? m.status} />}
        description={
          isAdmin
            ? 'You administer this tenant: its members, its billing accounts and which partners may act for it.'
            : 'You are a user of this tenant. Its administrators manage members and partner access.'
        }
      />
      <ErrorAlert error={tenant.error} />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        <Paper withBorder p="lg" radius="md">
          <Stack gap={6}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Tenant
            </Text>
            <Title order={4}>{m.name}</Title>
            <Group gap="xs">
              <Badge variant="light">{roleLabel(m.role)}</Badge>
              {tenant.data && <Badge variant="outline" color="gray">{tenant.data.tier} tier</Badge>}
            </Group>
            <Text size="sm" c="dimmed">
              Slug <code>{m.slug}</code> · since {formatDate(tenant.data?.created_at)}
            </Text>
          </Stack>
        </Paper>
        <Paper withBorder p="lg" radius="md">
          <Stack gap={6}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Billing accounts
            </Text>
            <Title order={4}>{bans.data ? bans.data.data.filter((b) => b.status === 'active').length : '…'} active</Title>
            <Anchor component={Link} to={`${base}/billing-accounts`} size="sm">
              {isAdmin ? 'Manage billing accounts' : 'See billing accounts'}
            </Anchor>
          </Stack>
        </Paper>
        {isAdmin && (
          <Paper withBorder p="lg" radius="md">
            <Stack gap={6}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                People and history
              </Text>
              <Anchor component={Link} to={`${base}/members`} size="sm">
                Invite and manage members
              </Anchor>
              <Anchor component={Link} to={`${base}/audit`} size="sm">
                See everything that happened in this tenant
              </Anchor>
            </Stack>
          </Paper>
        )}
      </SimpleGrid>
    </>
  );
}
