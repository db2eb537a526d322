/** What a chart is given: shared by Chart (the card, loaded with the page) and ChartImpl (the chart code, loaded on first use). */
export interface ChartSeries {
  /** the data field holding this series' numbers */
  name: string;
  label?: string;
  /** a Mantine color, e.g. 'blue.6' */
  color: string;
}

export interface ChartProps {
  kind: 'line' | 'area' | 'bar' | 'donut';
  data: Record<string, string | number>[];
  /** the field on the x axis (or the slice names of a donut) */
  dataKey: string;
  /** the x axis field's name in words, heading the screen reader's table (default: the field's name) */
  dataKeyLabel?: string;
  series: ChartSeries[];
  height?: number;
  unit?: string;
  valueFormatter?: (value: number) => string;
  /** the table of the numbers (and the tooltip): exact values, e.g. money with its decimals where the axis says "€1.2K"; default valueFormatter */
  tableFormatter?: (value: number) => string;
  /** bar and area charts: series on top of each other (parts of one whole) instead of side by side */
  stacked?: boolean;
  /** counts of things: no 0.25 on the value axis */
  wholeNumbers?: boolean;
}
