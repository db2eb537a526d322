/**
 * The operator's home: the platform at a glance — what waits for the operator first (applications,
 * access requests answered slowly by tenants, agreements and earnings to approve, mail that failed),
 * then the totals (each tile opens the page behind it), twelve weeks of arrivals and access granted,
 * and the health of deliveries. Every figure is the server's; a part that did not load says so.
 */
import { Link } from 'react-router';
import { Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { operatorOverviewApi, type OperatorOverview } from '../../api/overview.ts';
import { operatorOverviewKey } from '../../api/keys/tenantOverview.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { capabilityLabel, formatDateTime, timeAgo } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { OperatorHealth, OperatorWaiting } from './OperatorHomeParts.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  weekColumn: { id: 'operator.home.week_column', defaultMessage: 'Week' },
  capabilityColumn: { id: 'operator.home.capability_column', defaultMessage: 'Capability' },
  title: { id: 'operator.home.title', defaultMessage: 'Platform overview' },
  description: {
    id: 'operator.home.description',
    defaultMessage: 'What waits for you, how many partners, customers and people use the platform, how that changed over the last twelve weeks, and whether deliveries work. Each box opens the page behind it.',
  },
  figuresAsOf: { id: 'operator.home.figures_as_of', defaultMessage: 'Figures as of {when}' },
  loadFailed: { id: 'operator.home.load_failed', defaultMessage: 'The overview could not be loaded' },
  totalsTitle: { id: 'operator.home.totals.title', defaultMessage: 'The platform today' },
  tileOpen: { id: 'operator.home.tile.open', defaultMessage: 'Open' },
  byCapabilityItem: { id: 'operator.home.tile.partners.by_capability_item', defaultMessage: '{count} {capability}' },
  noPartnerActive: { id: 'operator.home.tile.partners.none_active', defaultMessage: 'No partner is active yet' },
  activePartners: { id: 'operator.home.tile.partners.label', defaultMessage: 'Active partners' },
  tenants: { id: 'operator.home.tile.tenants.label', defaultMessage: 'Tenants (customers)' },
  tenantsDetail: { id: 'operator.home.tile.tenants.detail', defaultMessage: '{active, plural, other {# active}}, {suspended, plural, other {# suspended}}, {closed, plural, other {# closed}}' },
  delegations: { id: 'operator.home.tile.delegations.label', defaultMessage: 'Partner access in force' },
  delegationsDetail: {
    id: 'operator.home.tile.delegations.detail',
    defaultMessage:
      '{link, plural, one {# approved request} other {# approved requests}}, {consent, plural, one {# app consent} other {# app consents}}, {wholesale, plural, one {# resold customer} other {# resold customers}}',
  },
  people: { id: 'operator.home.tile.people.label', defaultMessage: 'People who can sign in' },
  peopleDetail: { id: 'operator.home.tile.people.detail', defaultMessage: 'Operators, tenant and partner people. Not counted: {invited} invited, {disabled} disabled.' },
  arrivalsTitle: { id: 'operator.home.chart.arrivals.title', defaultMessage: 'New partners and tenants per week' },
  arrivalsDescription: {
    id: 'operator.home.chart.arrivals.description',
    defaultMessage: 'Partners by the week they applied, tenants by the week they were created; the last week is this week so far.',
  },
  arrivalsEmpty: { id: 'operator.home.chart.arrivals.empty', defaultMessage: 'No partner or tenant arrived in the last twelve weeks.' },
  newPartners: { id: 'operator.home.chart.arrivals.new_partners', defaultMessage: 'New partners' },
  newTenants: { id: 'operator.home.chart.arrivals.new_tenants', defaultMessage: 'New tenants' },
  grantedTitle: { id: 'operator.home.chart.granted.title', defaultMessage: 'Partner access granted per week' },
  grantedDescription: { id: 'operator.home.chart.granted.description', defaultMessage: 'Access requests tenants approved and access granted directly, by the week it was decided.' },
  grantedEmpty: { id: 'operator.home.chart.granted.empty', defaultMessage: 'No access was granted in the last twelve weeks.' },
  granted: { id: 'operator.home.chart.granted.series', defaultMessage: 'Access granted' },
  capsTitle: { id: 'operator.home.chart.capabilities.title', defaultMessage: 'Active partners by capability' },
  capsDescription: { id: 'operator.home.chart.capabilities.description', defaultMessage: 'A partner with several capabilities counts once under each.' },
  capsEmpty: { id: 'operator.home.chart.capabilities.empty', defaultMessage: 'No partner is active yet.' },
  capsSeries: { id: 'operator.home.chart.capabilities.series', defaultMessage: 'Partners' },
  applyHint: {
    id: 'operator.home.apply_hint',
    defaultMessage: 'New partners apply through the public form at <link>/apply</link>; their applications appear at the top of this page.',
  },
  auditLink: { id: 'operator.home.audit_link', defaultMessage: 'See everything that happened on the platform' },
});

function Tile({ label, value, detail, to, testId }: { label: string; value: number | undefined; detail: string; to: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="md" component={Link} to={to} data-testid={testId} style={{ textDecoration: 'none', color: 'inherit' }}>
      <Stack gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          {label}
        </Text>
        {value === undefined ? <Skeleton h={28} w={60} /> : <Title order={2} size="h3">{value}</Title>}
        <Text size="sm" c="dimmed">
          {detail}
        </Text>
        <Group gap={4} c="blue.8">
          <Text size="sm" c="blue.8">
            <FormattedMessage {...m.tileOpen} />
          </Text>
          <IconChevronRight size={14} aria-hidden />
        </Group>
      </Stack>
    </Paper>
  );
}

function byCapability(intl: IntlShape, o: OperatorOverview | undefined): string {
  if (!o) return '…';
  const c = o.totals.partners_active.by_capability;
  const parts = (Object.entries(c) as [string, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => intl.formatMessage(m.byCapabilityItem, { count: n, capability: capabilityLabel(k).toLowerCase() }));
  return parts.length ? parts.join(', ') : intl.formatMessage(m.noPartnerActive);
}

export function OperatorHomePage() {
  const intl = useIntl();
  const q = useApiQuery(operatorOverviewKey, () => operatorOverviewApi.get(), { staleTime: 30_000 });
  const o = q.data;
  const t = o?.totals;
  const weeks = (o?.trends.weeks ?? []).map((w) => ({ week: intl.formatDate(new Date(`${w.week_start}T00:00:00Z`), { day: 'numeric', month: 'short', timeZone: 'UTC' }), partners: w.new_partners, tenants: w.new_tenants, granted: w.access_granted }));
  const caps = t ? (Object.entries(t.partners_active.by_capability) as [string, number][]).map(([k, n]) => ({ capability: capabilityLabel(k), partners: n })) : [];
  const nothingYet = weeks.every((w) => w.partners + w.tenants + w.granted === 0);
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          o && (
            <Text size="xs" c="dimmed" title={formatDateTime(o.generated_at)}>
              <FormattedMessage {...m.figuresAsOf} values={{ when: timeAgo(o.generated_at) }} />
            </Text>
          )
        }
      />
      <Stack gap="lg">
        <ErrorAlert error={q.error} title={intl.formatMessage(m.loadFailed)} />
        <OperatorWaiting o={o} loading={q.loading} />
        <section aria-labelledby="totals-title">
          <Title order={2} size="h4" id="totals-title" mb="xs">
            <FormattedMessage {...m.totalsTitle} />
          </Title>
          <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
            <Tile label={intl.formatMessage(m.activePartners)} value={t?.partners_active.total} detail={byCapability(intl, o)} to="/operator/partners?status=active" testId="tile-partners" />
            <Tile
              label={intl.formatMessage(m.tenants)}
              value={t?.tenants.total}
              detail={t ? intl.formatMessage(m.tenantsDetail, { active: t.tenants.active, suspended: t.tenants.suspended, closed: t.tenants.closed }) : '…'} to="/operator/tenants" testId="tile-tenants" />
            <Tile
              label={intl.formatMessage(m.delegations)}
              value={t?.delegations_active.total}
              detail={
                t
                  ? intl.formatMessage(m.delegationsDetail, {
                      link: t.delegations_active.by_origin.link,
                      consent: t.delegations_active.by_origin.consent,
                      wholesale: t.delegations_active.by_origin.wholesale,
                    })
                  : '…'
              }
              to="/operator/delegations"
              testId="tile-delegations"
            />
            <Tile
              label={intl.formatMessage(m.people)}
              value={t?.people.active}
              detail={t ? intl.formatMessage(m.peopleDetail, { invited: t.people.invited, disabled: t.people.disabled }) : '…'} to="/operator/users" testId="tile-people" />
          </SimpleGrid>
        </section>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Chart
            title={intl.formatMessage(m.arrivalsTitle)}
            description={intl.formatMessage(m.arrivalsDescription)}
            kind="bar"
            wholeNumbers
            loading={q.loading}
            data={nothingYet ? [] : weeks}
            empty={intl.formatMessage(m.arrivalsEmpty)}
            dataKey="week"
            dataKeyLabel={intl.formatMessage(m.weekColumn)}
            series={[
              { name: 'partners', label: intl.formatMessage(m.newPartners), color: 'blue.6' },
              { name: 'tenants', label: intl.formatMessage(m.newTenants), color: 'teal.6' },
            ]}
          />
          <Chart
            title={intl.formatMessage(m.grantedTitle)}
            description={intl.formatMessage(m.grantedDescription)}
            kind="line"
            wholeNumbers
            loading={q.loading}
            data={nothingYet ? [] : weeks}
            empty={intl.formatMessage(m.grantedEmpty)}
            dataKey="week"
            dataKeyLabel={intl.formatMessage(m.weekColumn)}
            series={[{ name: 'granted', label: intl.formatMessage(m.granted), color: 'grape.6' }]}
          />
          <Chart
            title={intl.formatMessage(m.capsTitle)}
            description={intl.formatMessage(m.capsDescription)}
            kind="bar"
            wholeNumbers
            loading={q.loading}
            data={t && t.partners_active.total > 0 ? caps : []}
            empty={intl.formatMessage(m.capsEmpty)}
            dataKey="capability"
            dataKeyLabel={intl.formatMessage(m.capabilityColumn)}
            series={[{ name: 'partners', label: intl.formatMessage(m.capsSeries), color: 'indigo.6' }]}
          />
          <OperatorHealth o={o} loading={q.loading} />
        </SimpleGrid>
        {o && o.waiting.partner_applications.count === 0 && (
          <Text size="sm" c="dimmed">
            <FormattedMessage
              {...m.applyHint}
              values={{
                link: (chunks) => (
                  <Anchor component={Link} to="/apply" underline="always">
                    {chunks}
                  </Anchor>
                ),
              }}
            />
          </Text>
        )}
        <Group>
          <Button component={Link} to="/operator/audit" variant="subtle" rightSection={<IconChevronRight size={14} />}>
            <FormattedMessage {...m.auditLink} />
          </Button>
        </Group>
      </Stack>
    </>
  );
}
