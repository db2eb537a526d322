/**
 * The tenant's overview: what waits for this person (partner requests to answer, one click to where
 * each is answered), the figures that matter (money overdue, the next invoice, open tickets, alerts,
 * unread notifications), what partners did lately, invoiced per month — each part only when the
 * person's role reads it — and who the tenant is, with where to go next.
 */
import { FormattedMessage, useIntl } from 'react-intl';
import { Link } from 'react-router';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { api } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { tierLabel } from '../../components/tiers.ts';
import { useApiQuery } from '../../query/query.ts';
import { roleLabel, allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { OverviewFigures, SpendingChart } from './OverviewFigures.tsx';
import { PartnerActivity } from './PartnerActivity.tsx';
import { useTenantWaiting } from './useTenantWaiting.ts';
import { WaitingForYou } from './WaitingForYou.tsx';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  adminDescription: {
    id: 'tenant_home.description.admin',
    defaultMessage: 'You administer this tenant: its members, its billing accounts and which partners may act for it. What needs your answer comes first.',
  },
  userDescription: {
    id: 'tenant_home.description.user',
    defaultMessage: 'You are a user of this tenant. Its administrators answer partner requests and manage members and partner access.',
  },
  tenant: { id: 'tenant_home.card.tenant', defaultMessage: 'Tenant' },
  yourRole: { id: 'tenant_home.card.your_role', defaultMessage: 'Your role: {role}' },
  tier: { id: 'tenant_home.card.tier', defaultMessage: '{tier} tier' },
  customerSince: { id: 'tenant_home.card.customer_since', defaultMessage: 'Customer since {date}' },
  billingAccounts: { id: 'tenant_home.card.billing_accounts', defaultMessage: 'Billing accounts' },
  notLoaded: { id: 'tenant_home.card.billing_accounts.not_loaded', defaultMessage: 'Could not be loaded.' },
  activeCount: { id: 'tenant_home.card.billing_accounts.active', defaultMessage: '{count, plural, one {# active} other {# active}}' },
  manageAccounts: { id: 'tenant_home.card.billing_accounts.manage', defaultMessage: 'Manage billing accounts' },
  seeAccounts: { id: 'tenant_home.card.billing_accounts.see', defaultMessage: 'See billing accounts' },
  people: { id: 'tenant_home.card.people', defaultMessage: 'People and history' },
  members: { id: 'tenant_home.card.people.members', defaultMessage: 'Invite and manage members' },
  audit: { id: 'tenant_home.card.people.audit', defaultMessage: 'See everything that happened in this tenant' },
});

export function TenantHomePage() {
  const intl = useIntl();
  const view = useView();
  const t = view.tenant!;
  const tenant = useApiQuery(tenantKeys.detail(t.tenant_id), () => api.tenants.get(t.tenant_id));
  const bans = useApiQuery(tenantKeys.billingAccounts(t.tenant_id), () => api.tenants.billingAccounts(t.tenant_id), { enabled: allows(t, 'tenant.billing_accounts.read') });
  const roles = useDelegationRoles();
  const waiting = useTenantWaiting(t, view.me.user.id, roles.name);
  const isAdmin = allows(t, 'tenant.billing_accounts.manage');
  const seesActivity = allows(t, 'tenant.audit.read') && allows(t, 'tenant.delegations.read');
  const base = `/tenant/${t.tenant_id}`;
  return (
    <>
      <PageHeader
        title={t.name}
        badge={<StatusBadge status={tenant.data?.status ?? t.status} />}
        description={
          intl.formatMessage(isAdmin ? m.adminDescription : m.userDescription)
        }
      />
      <Stack gap="lg">
        <ErrorAlert error={tenant.error} />
        {(waiting.answers || (waiting.invitations?.length ?? 0) > 0) && <WaitingForYou w={waiting} base={base} />}
        <OverviewFigures t={t} />
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          {seesActivity && <PartnerActivity t={t} />}
          <SpendingChart t={t} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <Paper withBorder p="lg" radius="md">
            <Stack gap={6}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                <FormattedMessage {...m.tenant} />
              </Text>
              <Title order={2} size="h4">
                {t.name}
              </Title>
              <Group gap="xs">
                <Badge variant="light">
                  <FormattedMessage {...m.yourRole} values={{ role: roleLabel(intl, t.role) }} />
                </Badge>
                {tenant.data && (
                  <Badge variant="outline" color="gray" data-testid="tenant-tier">
                    <FormattedMessage {...m.tier} values={{ tier: tierLabel(tenant.data.tier) }} />
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.customerSince} values={{ date: formatDate(tenant.data?.created_at) }} />
              </Text>
            </Stack>
          </Paper>
          {allows(t, 'tenant.billing_accounts.read') && (
            <Paper withBorder p="lg" radius="md">
              <Stack gap={6}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                  <FormattedMessage {...m.billingAccounts} />
                </Text>
                {bans.error ? (
                  <Text size="sm" c="red.8">
                    <FormattedMessage {...m.notLoaded} />
                  </Text>
                ) : (
                  <Title order={2} size="h4">
                    {bans.data ? intl.formatMessage(m.activeCount, { count: bans.data.data.filter((b) => b.status === 'active').length }) : '…'}
                  </Title>
                )}
                <Anchor component={Link} to={`${base}/billing-accounts`} size="sm">
                  {intl.formatMessage(isAdmin ? m.manageAccounts : m.seeAccounts)}
                </Anchor>
              </Stack>
            </Paper>
          )}
          {isAdmin && (
            <Paper withBorder p="lg" radius="md">
              <Stack gap={6}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                  <FormattedMessage {...m.people} />
                </Text>
                <Anchor component={Link} to={`${base}/members`} size="sm">
                  <FormattedMessage {...m.members} />
                </Anchor>
                <Anchor component={Link} to={`${base}/audit`} size="sm">
                  <FormattedMessage {...m.audit} />
                </Anchor>
              </Stack>
            </Paper>
          )}
        </SimpleGrid>
      </Stack>
    </>
  );
}
