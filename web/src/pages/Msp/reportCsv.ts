/**
 * The Reports page's CSV downloads (usage, SLA compliance): headed in the reader's language, as the
 * page's own columns are. The cells stay as a spreadsheet reads numbers in any language — months as
 * "2026-11", plain decimals with a dot, no thousands separator — so the file opens as figures, not text.
 */
import type { IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  customer: { id: 'msp.reports.csv.customer', defaultMessage: 'Customer' },
  month: { id: 'msp.reports.csv.month', defaultMessage: 'Month' },
  metric: { id: 'msp.reports.csv.metric', defaultMessage: 'Metric' },
  quantity: { id: 'msp.reports.csv.quantity', defaultMessage: 'Quantity' },
  unit: { id: 'msp.reports.csv.unit', defaultMessage: 'Unit' },
  amount: { id: 'msp.reports.csv.amount', defaultMessage: 'Amount' },
  currency: { id: 'msp.reports.csv.currency', defaultMessage: 'Currency' },
  serviceMonths: { id: 'msp.reports.csv.service_months', defaultMessage: 'Service-months' },
  missed: { id: 'msp.reports.csv.missed', defaultMessage: 'Months missed' },
  compliance: { id: 'msp.reports.csv.compliance_pct', defaultMessage: 'Compliance (%)' },
  average: { id: 'msp.reports.csv.average_pct', defaultMessage: 'Average availability (%)' },
  lowest: { id: 'msp.reports.csv.lowest_pct', defaultMessage: 'Lowest month (%)' },
  downtime: { id: 'msp.reports.csv.downtime_minutes', defaultMessage: 'Downtime (minutes)' },
});

type Cell = string | number | null | undefined;
export interface CsvTable {
  header: string[];
  rows: Cell[][];
}

export interface UsageCsvRow {
  tenant_name?: string | null;
  period: string;
  metric: string;
  quantity: number;
  amount_cents: number;
  currency: string;
}

export interface SlaCsvRow {
  tenant_name: string;
  records: number;
  breached: number;
  compliance_pct: number;
  avg_achieved_pct: number;
  min_achieved_pct: number;
  downtime_minutes: number;
}

/** Usage per customer, month and metric; the metric and its unit in words (`words` gives them, else the code). */
export function usageCsv(intl: IntlShape, rows: UsageCsvRow[], words: (metric: string) => { label: string; unit: string } | null): CsvTable {
  const t = (k: keyof typeof m) => intl.formatMessage(m[k]);
  return {
    header: [t('customer'), t('month'), t('metric'), t('quantity'), t('unit'), t('amount'), t('currency')],
    rows: rows.map((u) => {
      const w = words(u.metric);
      return [u.tenant_name ?? '', u.period, w ? w.label : u.metric, u.quantity, w ? w.unit : '', (u.amount_cents / 100).toFixed(2), u.currency];
    }),
  };
}

/** SLA compliance per customer. */
export function slaCsv(intl: IntlShape, rows: SlaCsvRow[]): CsvTable {
  const t = (k: keyof typeof m) => intl.formatMessage(m[k]);
  return {
    header: [t('customer'), t('serviceMonths'), t('missed'), t('compliance'), t('average'), t('lowest'), t('downtime')],
    rows: rows.map((r) => [r.tenant_name, r.records, r.breached, r.compliance_pct.toFixed(1), r.avg_achieved_pct.toFixed(3), r.min_achieved_pct.toFixed(3), r.downtime_minutes]),
  };
}
