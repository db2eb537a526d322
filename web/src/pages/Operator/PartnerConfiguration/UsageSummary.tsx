/**
 * A partner's usage against its quotas in plain words and a chart by day: shared by the
 * operator's limits tab and the partner's own Usage page.
 */
import { Group, Paper, Progress, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import type { PartnerUsageDto } from '../../../api/partnerLimits.ts';
import { Chart } from '../../../components/charts/Chart.tsx';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  noLimit: { id: 'operator.usage.no_limit', defaultMessage: '{used} (no limit)' },
  ofLimit: { id: 'operator.usage.of_limit', defaultMessage: '{used} of {limit}' },
  pctUsed: { id: 'operator.usage.pct_used', defaultMessage: '{label}: {pct}% used' },
  usedUp: { id: 'operator.usage.used_up', defaultMessage: 'Used up: requests are refused until {when}' },
  startsAgain: { id: 'operator.usage.starts_again', defaultMessage: 'Starts again on {when}' },
  requests: { id: 'operator.usage.series.requests', defaultMessage: 'Requests' },
  dailyLimit: { id: 'operator.usage.series.daily_limit', defaultMessage: 'Daily limit' },
  today: { id: 'operator.usage.today', defaultMessage: 'Requests today' },
  month: { id: 'operator.usage.month', defaultMessage: 'Requests this month' },
  chartTitle: { id: 'operator.usage.chart.title', defaultMessage: 'Requests per day' },
  chartWithLimit: { id: 'operator.usage.chart.with_limit', defaultMessage: 'Requests served each day, against the daily limit (last 30 days, UTC)' },
  chartPlain: { id: 'operator.usage.chart.plain', defaultMessage: 'Requests served each day (last 30 days, UTC)' },
  chartEmpty: { id: 'operator.usage.chart.empty', defaultMessage: 'No requests in the last 30 days yet.' },
  refused: { id: 'operator.usage.refused', defaultMessage: '{count, plural, one {{n} request was} other {{n} requests were}} refused in this period for going over a limit.' },
});

const n = (v: number) => v.toLocaleString('en-US');

function resetsIn(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC';
}

function Meter({ label, used, limit, resetsAt, testId }: { label: string; used: number; limit: number | null; resetsAt: string; testId: string }) {
  const intl = useIntl();
  const pct = limit ? Math.min(100, (used / limit) * 100) : 0;
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {label}
        </Text>
        <Text fw={600} size="lg">
          {limit === null ? intl.formatMessage(m.noLimit, { used: n(used) }) : intl.formatMessage(m.ofLimit, { used: n(used), limit: n(limit) })}
        </Text>
        {limit !== null && <Progress value={pct} color={pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal'} aria-label={intl.formatMessage(m.pctUsed, { label, pct: Math.round(pct) })} />}
        {limit !== null && (
          <Text size="xs" c="dimmed">
            {intl.formatMessage(used >= limit ? m.usedUp : m.startsAgain, { when: resetsIn(resetsAt) })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

export function UsageSummary({ usage, loading }: { usage: PartnerUsageDto | undefined; loading: boolean }) {
  const intl = useIntl();
  if (loading || !usage) return <Skeleton h={320} />;
  const data = usage.days.map((d) => ({ day: d.day.slice(5), requests: d.requests, ...(usage.daily_quota !== null ? { limit: usage.daily_quota } : {}) }));
  const series = [
    { name: 'requests', label: intl.formatMessage(m.requests), color: 'blue.6' },
    ...(usage.daily_quota !== null ? [{ name: 'limit', label: intl.formatMessage(m.dailyLimit), color: 'red.6' }] : []),
  ];
  const any = usage.days.some((d) => d.requests > 0 || d.refused > 0);
  const refused = usage.days.reduce((s, d) => s + d.refused, 0);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Meter label={intl.formatMessage(m.today)} used={usage.today.requests} limit={usage.today.limit} resetsAt={usage.today.resets_at} testId="usage-today" />
        <Meter label={intl.formatMessage(m.month)} used={usage.month.requests} limit={usage.month.limit} resetsAt={usage.month.resets_at} testId="usage-month" />
      </SimpleGrid>
      <Chart
        title={intl.formatMessage(m.chartTitle)}
        description={intl.formatMessage(usage.daily_quota !== null ? m.chartWithLimit : m.chartPlain)}
        kind="line"
        data={any ? data : []}
        dataKey="day"
        series={series}
        valueFormatter={n}
        empty={intl.formatMessage(m.chartEmpty)}
      />
      {refused > 0 && (
        <Group>
          <Text size="sm" c="dimmed">
            {intl.formatMessage(m.refused, { count: refused, n: n(refused) })}
          </Text>
        </Group>
      )}
    </Stack>
  );
}
