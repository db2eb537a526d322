/**
 * The operator's home: the platform at a glance — what waits for the operator first (applications,
 * access requests answered slowly by tenants, agreements and earnings to approve, mail that failed),
 * then the totals (each tile opens the page behind it), twelve weeks of arrivals and access granted,
 * and the health of deliveries. Every figure is the server's; a part that did not load says so.
 */
import { Link } from 'react-router';
import { Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { operatorOverviewApi, type OperatorOverview } from '../../api/overview.ts';
import { operatorOverviewKey } from '../../api/keys/tenantOverview.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { capabilityLabel, formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { OperatorHealth, OperatorWaiting } from './OperatorHomeParts.tsx';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function Tile({ label, value, detail, to, testId }: { label: string; value: number | undefined; detail: string; to: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="md" component={Link} to={to} data-testid={testId} style={{ textDecoration: 'none', color: 'inherit' }}>
      <Stack gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          {label}
        </Text>
        {value === undefined ? <Skeleton h={28} w={60} /> : <Title order={3}>{value}</Title>}
        <Text size="sm" c="dimmed">
          {detail}
        </Text>
        <Group gap={4} c="blue.8">
          <Text size="sm" c="blue.8">
            Open
          </Text>
          <IconChevronRight size={14} aria-hidden />
        </Group>
      </Stack>
    </Paper>
  );
}

function byCapability(o: OperatorOverview | undefined): string {
  if (!o) return '…';
  const c = o.totals.partners_active.by_capability;
  const parts = (Object.entries(c) as [string, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${capabilityLabel(k).toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'No partner is active yet';
}

export function OperatorHomePage() {
  const q = useApiQuery(operatorOverviewKey, () => operatorOverviewApi.get(), { staleTime: 30_000 });
  const o = q.data;
  const t = o?.totals;
  const weeks = (o?.trends.weeks ?? []).map((w) => ({ week: new Date(`${w.week_start}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' }), partners: w.new_partners, tenants: w.new_tenants, granted: w.access_granted }));
  const caps = t ? (Object.entries(t.partners_active.by_capability) as [string, number][]).map(([k, n]) => ({ capability: capabilityLabel(k), partners: n })) : [];
  const nothingYet = weeks.every((w) => w.partners + w.tenants + w.granted === 0);
  return (
    <>
      <PageHeader
        title="Platform overview"
        description="What waits for you, how many partners, customers and people use the platform, how that changed over the last twelve weeks, and whether deliveries work. Each box opens the page behind it."
        actions={
          o && (
            <Text size="xs" c="dimmed" title={formatDateTime(o.generated_at)}>
              Figures as of {timeAgo(o.generated_at)}
            </Text>
          )
        }
      />
      <Stack gap="lg">
        <ErrorAlert error={q.error} title="The overview could not be loaded" />
        <OperatorWaiting o={o} loading={q.loading} />
        <section aria-labelledby="totals-title">
          <Title order={3} size="h4" id="totals-title" mb="xs">
            The platform today
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
            <Tile label="Active partners" value={t?.partners_active.total} detail={byCapability(o)} to="/operator/partners?status=active" testId="tile-partners" />
            <Tile label="Tenants (customers)" value={t?.tenants.total} detail={t ? `${t.tenants.active} active, ${t.tenants.suspended} suspended, ${t.tenants.closed} closed` : '…'} to="/operator/tenants" testId="tile-tenants" />
            <Tile
              label="Partner access in force"
              value={t?.delegations_active.total}
              detail={t ? `${plural(t.delegations_active.by_origin.link, 'approved request')}, ${plural(t.delegations_active.by_origin.consent, 'app consent')}, ${plural(t.delegations_active.by_origin.wholesale, 'resold customer')}` : '…'}
              to="/operator/delegations"
              testId="tile-delegations"
            />
            <Tile label="People who can sign in" value={t?.people.active} detail={t ? `Operators, tenant and partner people. Not counted: ${t.people.invited} invited, ${t.people.disabled} disabled.` : '…'} to="/operator/users" testId="tile-people" />
          </SimpleGrid>
        </section>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Chart
            title="New partners and tenants per week"
            description="Partners by the week they applied, tenants by the week they were created; the last week is this week so far."
            kind="bar"
            wholeNumbers
            loading={q.loading}
            data={nothingYet ? [] : weeks}
            empty="No partner or tenant arrived in the last twelve weeks."
            dataKey="week"
            series={[
              { name: 'partners', label: 'New partners', color: 'blue.6' },
              { name: 'tenants', label: 'New tenants', color: 'teal.6' },
            ]}
          />
          <Chart
            title="Partner access granted per week"
            description="Access requests tenants approved and access granted directly, by the week it was decided."
            kind="line"
            wholeNumbers
            loading={q.loading}
            data={nothingYet ? [] : weeks}
            empty="No access was granted in the last twelve weeks."
            dataKey="week"
            series={[{ name: 'granted', label: 'Access granted', color: 'grape.6' }]}
          />
          <Chart
            title="Active partners by capability"
            description="A partner with several capabilities counts once under each."
            kind="bar"
            wholeNumbers
            loading={q.loading}
            data={t && t.partners_active.total > 0 ? caps : []}
            empty="No partner is active yet."
            dataKey="capability"
            series={[{ name: 'partners', label: 'Partners', color: 'indigo.6' }]}
          />
          <OperatorHealth o={o} loading={q.loading} />
        </SimpleGrid>
        {o && o.waiting.partner_applications.count === 0 && (
          <Text size="sm" c="dimmed">
            New partners apply through the public form at <Anchor component={Link} to="/apply" underline="always">/apply</Anchor>; their applications appear at the top of this page.
          </Text>
        )}
        <Group>
          <Button component={Link} to="/operator/audit" variant="subtle" rightSection={<IconChevronRight size={14} />}>
            See everything that happened on the platform
          </Button>
        </Group>
      </Stack>
    </>
  );
}
