/**
 * One chart component for the portal, on `@mantine/charts`: a titled card with a loading and an
 * empty state, the chart code loaded on first use (recharts is large; pages without a chart never
 * download it), and a table of the same numbers for screen readers.
 *
 *   <Chart title="Requests per day" kind="bar" data={days} dataKey="day" series={[{ name: 'requests', label: 'Requests', color: 'blue.6' }]} />
 */
import { lazy, Suspense } from 'react';
import { Paper, Skeleton, Stack, Text, VisuallyHidden } from '@mantine/core';

import type { ChartProps } from './types.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  empty: { id: 'components.chart.empty', defaultMessage: 'Nothing to show yet.' },
});

/** The heading of the table's first column, by the data key the pages chart by (a page may name its own: dataKeyLabel). */
const KEY_COLUMN = defineMessages({
  day: { id: 'components.chart.column.day', defaultMessage: 'Day' },
  week: { id: 'components.chart.column.week', defaultMessage: 'Week' },
  month: { id: 'components.chart.column.month', defaultMessage: 'Month' },
  customer: { id: 'components.chart.column.customer', defaultMessage: 'Customer' },
  reseller: { id: 'components.chart.column.reseller', defaultMessage: 'Reseller' },
  app: { id: 'components.chart.column.app', defaultMessage: 'App' },
  plan: { id: 'components.chart.column.plan', defaultMessage: 'Plan' },
  capability: { id: 'components.chart.column.capability', defaultMessage: 'Capability' },
  other: { id: 'components.chart.column.other', defaultMessage: 'Item' },
});

export type { ChartProps, ChartSeries } from './types.ts';

const ChartImpl = lazy(() => import('./ChartImpl.tsx'));

export function Chart({ title, description, loading, empty, ...chart }: ChartProps & { title: string; description?: string; loading?: boolean; empty?: string }) {
  const intl = useIntl();
  const h = chart.height ?? 240;
  const fmt = chart.tableFormatter ?? chart.valueFormatter;
  return (
    <Paper withBorder radius="md" p="md" data-testid="chart">
      <Stack gap="xs">
        <div>
          <Text fw={600}>{title}</Text>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {loading ? (
          <Skeleton h={h} />
        ) : chart.data.length === 0 ? (
          <Text c="dimmed" size="sm" ta="center" py="xl">
            {empty ?? intl.formatMessage(m.empty)}
          </Text>
        ) : (
          <>
            <Suspense fallback={<Skeleton h={h} />}>
              <ChartImpl {...chart} />
            </Suspense>
            <VisuallyHidden>
              <table>
                <caption>{title}</caption>
                <thead>
                  <tr>
                    <th>{chart.dataKeyLabel ?? intl.formatMessage(Object.hasOwn(KEY_COLUMN, chart.dataKey) ? KEY_COLUMN[chart.dataKey as keyof typeof KEY_COLUMN] : KEY_COLUMN.other)}</th>
                    {chart.series.map((s) => (
                      <th key={s.name}>{s.label ?? s.name}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {chart.data.map((d, i) => (
                    <tr key={i}>
                      <td>{d[chart.dataKey]}</td>
                      {chart.series.map((s) => (
                        <td key={s.name}>{fmt && typeof d[s.name] === 'number' ? fmt(d[s.name] as number) : d[s.name]}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </VisuallyHidden>
          </>
        )}
      </Stack>
    </Paper>
  );
}
