/**
 * A partner's usage against its quotas in plain words and a chart by day: shared by the
 * operator's limits tab and the partner's own Usage page.
 */
import { Group, Paper, Progress, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import type { PartnerUsageDto } from '../../../api/partnerLimits.ts';
import { Chart } from '../../../components/charts/Chart.tsx';

const n = (v: number) => v.toLocaleString('en-US');

function resetsIn(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC';
}

function Meter({ label, used, limit, resetsAt, testId }: { label: string; used: number; limit: number | null; resetsAt: string; testId: string }) {
  const pct = limit ? Math.min(100, (used / limit) * 100) : 0;
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId}>
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {label}
        </Text>
        <Text fw={600} size="lg">
          {limit === null ? `${n(used)} (no limit)` : `${n(used)} of ${n(limit)}`}
        </Text>
        {limit !== null && <Progress value={pct} color={pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal'} aria-label={`${label}: ${Math.round(pct)}% used`} />}
        {limit !== null && (
          <Text size="xs" c="dimmed">
            {used >= limit ? 'Used up: requests are refused until ' : 'Starts again on '}
            {resetsIn(resetsAt)}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

export function UsageSummary({ usage, loading }: { usage: PartnerUsageDto | undefined; loading: boolean }) {
  if (loading || !usage) return <Skeleton h={320} />;
  const data = usage.days.map((d) => ({ day: d.day.slice(5), requests: d.requests, ...(usage.daily_quota !== null ? { limit: usage.daily_quota } : {}) }));
  const series = [{ name: 'requests', label: 'Requests', color: 'blue.6' }, ...(usage.daily_quota !== null ? [{ name: 'limit', label: 'Daily limit', color: 'red.6' }] : [])];
  const any = usage.days.some((d) => d.requests > 0 || d.refused > 0);
  const refused = usage.days.reduce((s, d) => s + d.refused, 0);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Meter label="Requests today" used={usage.today.requests} limit={usage.today.limit} resetsAt={usage.today.resets_at} testId="usage-today" />
        <Meter label="Requests this month" used={usage.month.requests} limit={usage.month.limit} resetsAt={usage.month.resets_at} testId="usage-month" />
      </SimpleGrid>
      <Chart
        title="Requests per day"
        description={usage.daily_quota !== null ? 'Requests served each day, against the daily limit (last 30 days, UTC)' : 'Requests served each day (last 30 days, UTC)'}
        kind="line"
        data={any ? data : []}
        dataKey="day"
        series={series}
        valueFormatter={n}
        empty="No requests in the last 30 days yet."
      />
      {refused > 0 && (
        <Group>
          <Text size="sm" c="dimmed">
            {n(refused)} request{refused === 1 ? ' was' : 's were'} refused in this period for going over a limit.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
