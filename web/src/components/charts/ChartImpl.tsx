/** The chart kinds of `@mantine/charts` (recharts underneath), loaded only by pages that draw one (see Chart.tsx). */
import '@mantine/charts/styles.css';
import { AreaChart, BarChart, DonutChart, LineChart } from '@mantine/charts';
import type { ChartProps } from './types.ts';
import { CATEGORY_AXIS_HEIGHT, CategoryTick } from './CategoryTick.tsx';

/** Axes of names, not of time: each bar keeps its label (CategoryTick), up to this many bars. */
const CATEGORY_KEYS = new Set(['capability', 'customer', 'reseller', 'app', 'plan']);
const MAX_NAMED_BARS = 12;

export default function ChartImpl(props: ChartProps) {
  const { kind, data, dataKey, series, height = 240, valueFormatter, unit, stacked, wholeNumbers } = props;
  const common = { h: height, data, dataKey, series, valueFormatter, unit, withLegend: series.length > 1, tickLine: 'y' as const, ...(wholeNumbers ? { yAxisProps: { allowDecimals: false } } : {}) };
  switch (kind) {
    case 'line':
      return <LineChart {...common} curveType="monotone" />;
    case 'area':
      return <AreaChart {...common} curveType="monotone" type={stacked ? 'stacked' : 'default'} />;
    case 'bar': {
      const named = CATEGORY_KEYS.has(dataKey) && data.length <= MAX_NAMED_BARS;
      const xAxisProps = named ? { interval: 0, height: CATEGORY_AXIS_HEIGHT, tick: (p: object) => <CategoryTick {...p} /> } : undefined;
      return <BarChart {...common} type={stacked ? 'stacked' : 'default'} maxBarWidth={64} xAxisProps={xAxisProps} />;
    }
    case 'donut':
      return (
        <DonutChart
          h={height}
          data={data.map((d, i) => ({ name: String(d[dataKey]), value: Number(d[series[0].name] ?? 0), color: series[i % series.length]?.color ?? 'blue.6' }))}
          valueFormatter={valueFormatter}
          withLabels
          withTooltip
        />
      );
  }
}
