/**
 * The tenant's overview: what waits for this person (partner requests to answer, one click to where
 * each is answered), the figures that matter (money overdue, the next invoice, open tickets, alerts,
 * unread notifications), what partners did lately, invoiced per month — each part only when the
 * person's role reads it — and who the tenant is, with where to go next.
 */
import { useIntl } from 'react-intl';
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
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { OverviewFigures, SpendingChart } from './OverviewFigures.tsx';
import { PartnerActivity } from './PartnerActivity.tsx';
import { useTenantWaiting } from './useTenantWaiting.ts';
import { WaitingForYou } from './WaitingForYou.tsx';
import { tenantKeys } from '../../api/keys/tenants.ts';

export function TenantHomePage() {
  const intl = useIntl();
  const view = useView();
  const m = view.tenant!;
  const tenant = useApiQuery(tenantKeys.detail(m.tenant_id), () => api.tenants.get(m.tenant_id));
  const bans = useApiQuery(tenantKeys.billingAccounts(m.tenant_id), () => api.tenants.billingAccounts(m.tenant_id), { enabled: allows(m, 'tenant.billing_accounts.read') });
  const roles = useDelegationRoles();
  const waiting = useTenantWaiting(m, view.me.user.id, roles.name);
  const isAdmin = allows(m, 'tenant.billing_accounts.manage');
  const seesActivity = allows(m, 'tenant.audit.read') && allows(m, 'tenant.delegations.read');
  const base = `/tenant/${m.tenant_id}`;
  return (
    <>
      <PageHeader
        title={m.name}
        badge={<StatusBadge status={tenant.data?.status ?? m.status} />}
        description={
          isAdmin
            ? 'You administer this tenant: its members, its billing accounts and which partners may act for it. What needs your answer comes first.'
            : 'You are a user of this tenant. Its administrators answer partner requests and manage members and partner access.'
        }
      />
      <Stack gap="lg">
        <ErrorAlert error={tenant.error} />
        {(waiting.answers || (waiting.invitations?.length ?? 0) > 0) && <WaitingForYou w={waiting} base={base} />}
        <OverviewFigures t={m} />
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          {seesActivity && <PartnerActivity t={m} />}
          <SpendingChart t={m} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <Paper withBorder p="lg" radius="md">
            <Stack gap={6}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                Tenant
              </Text>
              <Title order={3} size="h4">
                {m.name}
              </Title>
              <Group gap="xs">
                <Badge variant="light">Your role: {roleLabel(intl, m.role)}</Badge>
                {tenant.data && (
                  <Badge variant="outline" color="gray">
                    {tenant.data.tier} tier
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                Customer since {formatDate(tenant.data?.created_at)}
              </Text>
            </Stack>
          </Paper>
          {allows(m, 'tenant.billing_accounts.read') && (
            <Paper withBorder p="lg" radius="md">
              <Stack gap={6}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                  Billing accounts
                </Text>
                {bans.error ? (
                  <Text size="sm" c="red.8">
                    Could not be loaded.
                  </Text>
                ) : (
                  <Title order={3} size="h4">
                    {bans.data ? `${bans.data.data.filter((b) => b.status === 'active').length} active` : '…'}
                  </Title>
                )}
                <Anchor component={Link} to={`${base}/billing-accounts`} size="sm">
                  {isAdmin ? 'Manage billing accounts' : 'See billing accounts'}
                </Anchor>
              </Stack>
            </Paper>
          )}
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
      </Stack>
    </>
  );
}
