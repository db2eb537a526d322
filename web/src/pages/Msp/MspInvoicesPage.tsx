/**
 * Consolidated invoices of every managed customer: filter by customer, status and months, search,
 * sort, money in the invoice's currency, and an export as CSV or PDF — the file at once for a small
 * set, or a job whose progress shows until the download is ready.
 */
import { useEffect, useMemo, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import { Button, Group, Menu, Paper, Progress, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconDownload, IconFileTypeCsv, IconFileTypePdf, IconSearch } from '@tabler/icons-react';
import { mspApi, saveFile, type ExportJob, type ExportRequest, type Invoice } from '../../api/msp.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDate } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { useApiList, useApiMutation, useApiQuery } from '../../query/query.ts';
import { useAbilities } from '../../session/abilities.ts';
import { featuresApi } from '../../api/features.ts';
import { useView } from '../../session/useView.ts';
import { INVOICE_STATUS_WORDS, LabelBadge, labelOptions, formatMoney, formatPercent, formatPeriod, monthsAgo, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  newest: { id: 'msp.invoices.sort.newest', defaultMessage: 'Newest first' },
  oldest: { id: 'msp.invoices.sort.oldest', defaultMessage: 'Oldest first' },
  dueSoonest: { id: 'msp.invoices.sort.due_soonest', defaultMessage: 'Due soonest' },
  mostUnpaid: { id: 'msp.invoices.sort.most_unpaid', defaultMessage: 'Most unpaid' },
  largest: { id: 'msp.invoices.sort.largest', defaultMessage: 'Largest total' },
  customerAz: { id: 'msp.invoices.sort.customer', defaultMessage: 'Customer A–Z' },
  downloaded: { id: 'msp.invoices.export.downloaded', defaultMessage: 'Export downloaded: {filename}' },
  started: { id: 'msp.invoices.export.started', defaultMessage: 'Export started. It keeps running if you leave this page.' },
  title: { id: 'msp.invoices.title', defaultMessage: 'Invoices' },
  description: { id: 'msp.invoices.description', defaultMessage: 'Invoices of every customer you manage. Filter, search and sort them, and export what you see.' },
  export: { id: 'msp.invoices.export', defaultMessage: 'Export' },
  csv: { id: 'msp.invoices.export.csv', defaultMessage: 'Spreadsheet (CSV)' },
  pdf: { id: 'msp.invoices.export.pdf', defaultMessage: 'Statement (PDF)' },
  pdfUnavailable: {
    id: 'msp.invoices.export.pdf_unavailable',
    defaultMessage: 'Statement (PDF) is in early access and not enabled for your organization yet. Ask the platform operator to join.',
  },
  search: { id: 'msp.invoices.search', defaultMessage: 'Search' },
  searchPlaceholder: { id: 'msp.invoices.search.placeholder', defaultMessage: 'Invoice number, customer or account' },
  customer: { id: 'msp.invoices.customer', defaultMessage: 'Customer' },
  allCustomers: { id: 'msp.invoices.customer.all', defaultMessage: 'All customers' },
  status: { id: 'msp.invoices.status', defaultMessage: 'Status' },
  anyStatus: { id: 'msp.invoices.status.any', defaultMessage: 'Any status' },
  fromMonth: { id: 'msp.invoices.from_month', defaultMessage: 'From month' },
  toMonth: { id: 'msp.invoices.to_month', defaultMessage: 'To month' },
  any: { id: 'msp.invoices.month.any', defaultMessage: 'Any' },
  sort: { id: 'msp.invoices.sort', defaultMessage: 'Sort' },
  noMatch: { id: 'msp.invoices.totals.none', defaultMessage: 'No invoice matches.' },
  showing: { id: 'msp.invoices.totals.showing', defaultMessage: 'Showing {shown} of {total} invoices.' },
  exportIncludes: { id: 'msp.invoices.totals.export_includes', defaultMessage: 'The export includes every matching invoice.' },
  showMore: { id: 'msp.invoices.show_more', defaultMessage: 'Show more invoices' },
  emptyFiltered: { id: 'msp.invoices.empty.filtered', defaultMessage: 'No invoice matches these filters.' },
  empty: { id: 'msp.invoices.empty', defaultMessage: 'No invoices in these months.' },
  invoice: { id: 'msp.invoices.column.invoice', defaultMessage: 'Invoice' },
  billingAccount: { id: 'msp.invoices.column.billing_account', defaultMessage: 'Billing account' },
  month: { id: 'msp.invoices.column.month', defaultMessage: 'Month' },
  issued: { id: 'msp.invoices.column.issued', defaultMessage: 'Issued' },
  due: { id: 'msp.invoices.column.due', defaultMessage: 'Due' },
  total: { id: 'msp.invoices.column.total', defaultMessage: 'Total' },
  unpaid: { id: 'msp.invoices.column.unpaid', defaultMessage: 'Unpaid' },
  jobTitle: {
    id: 'msp.invoices.job.title',
    defaultMessage: '{format} export · {status, select, done {ready} failed {failed} expired {expired} other {in progress}}',
  },
  hide: { id: 'msp.invoices.job.hide', defaultMessage: 'Hide' },
  jobProgress: { id: 'msp.invoices.job.progress_done', defaultMessage: '{format} export: {pct} done' },
  jobRows: { id: 'msp.invoices.job.rows', defaultMessage: '{done} of {total} invoices' },
  jobUntil: { id: 'msp.invoices.job.available_until', defaultMessage: 'the download is available until {date}' },
  download: { id: 'msp.invoices.job.download', defaultMessage: 'Download' },
});

/** The last 36 months, newest first, for the month filters. */
const MONTH_VALUES = Array.from({ length: 36 }, (_, i) => monthsAgo(i));

const SORTS = [
  { value: '-issued_at', label: m.newest },
  { value: 'issued_at', label: m.oldest },
  { value: 'due_at', label: m.dueSoonest },
  { value: '-balance_cents', label: m.mostUnpaid },
  { value: '-total_cents', label: m.largest },
  { value: 'tenant_name,-issued_at', label: m.customerAz },
];
const PAGE = 50;

/** The month filters' options, in the reader's language. */
function useMonthOptions(locale: string) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the months read again in another language
  return useMemo(() => MONTH_VALUES.map((p) => ({ value: p, label: formatPeriod(p) })), [locale]);
}

export function MspInvoicesPage() {
  const intl = useIntl();
  const months = useMonthOptions(intl.locale);
  const customers = useManagedCustomers();
  // Export only where the person's role includes exporting (the auditor reads, and exports nothing)
  const mayExport = useAbilities().mayUse('exportInvoices');
  const partnerId = useView().partner?.partner_id ?? '';
  // PDF statements are an early-access feature (exports.pdf): offered only where it is on for the organization
  const features = useApiQuery(partnerKeys.features(partnerId), () => featuresApi.mine(partnerId), { enabled: !!partnerId, staleTime: 0 }); // the operator switches them: asked afresh
  const pdfOn = !!features.data?.data.some((f) => f.key === 'exports.pdf' && f.enabled);
  const [q, setQ] = useState('');
  const [tenant, setTenant] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [from, setFrom] = useState<string | null>(monthsAgo(11));
  const [to, setTo] = useState<string | null>(null);
  const [job, setJob] = useState<ExportJob | null>(null);
  // exports still running or ready (started here or elsewhere, e.g. through the API): asked afresh each time the page opens
  const recentJobs = useApiQuery(mspKeys.exports, () => mspApi.exportJobs().catch(() => ({ data: [] as ExportJob[] })), { enabled: mayExport, staleTime: 0 });
  const [hidden, setHidden] = useState<string[]>([]);
  const recent = (recentJobs.data?.data ?? []).filter((j) => j.id !== job?.id && !hidden.includes(j.id) && (j.status === 'queued' || j.status === 'running' || j.status === 'done')).slice(0, 3);
  const [sort, setSort] = useState<string | null>('-issued_at');
  const [search] = useDebouncedValue(q.trim(), 300);
  const filters = { tenant_id: tenant ?? undefined, status: status ?? undefined, period_from: from ?? undefined, period_to: to ?? undefined };
  // pages of the server's answer, by offset: the server searches, sorts and counts every matching invoice
  // the count travels with the cached pages, so a page opened again from the cache still says it
  const list = useApiList<Invoice>(mspKeys.invoices(filters, search, sort), async (cursor) => {
    const offset = Number(cursor ?? 0);
    const page = await mspApi.invoices({ ...filters, q: search || undefined, sort: sort ?? undefined, offset, limit: PAGE });
    const next = offset + page.data.length;
    return { data: page.data, total: page.total, next_cursor: page.total !== undefined ? (next < page.total ? String(next) : null) : page.next_cursor };
  });
  const total = list.total;
  const names = new Map(customers.rows.map((r) => [r.tenant.id, r.tenant.name]));
  const rows = list.items;

  const exporter = useApiMutation((format: 'csv' | 'pdf') => mspApi.exportInvoices({ format, ...filters, q: search || undefined } as ExportRequest), {
    onDone: (r) => {
      if ('file' in r) saveFile(r.file, r.filename);
      else setJob(r.job);
    },
    success: (r) => ('file' in r ? intl.formatMessage(m.downloaded, { filename: r.filename }) : intl.formatMessage(m.started)),
    invalidates: [],
    notifyError: true,
  });

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        // the same words whatever loads later (the formats are in the Export menu), so nothing below moves under a click
        description={intl.formatMessage(m.description)}
        actions={mayExport && <ExportMenu busy={exporter.busy} pdfOn={pdfOn} onExport={(f) => void exporter.run(f)} />}
      />
      <Stack>
        <DataFreshness kind="invoices" />
        {job && <ExportProgress job={job} onChange={setJob} />}
        {recent.map((j) => (
          <ExportProgress key={j.id} job={j} onChange={(x) => (x ? recentJobs.reload() : setHidden((h) => [...h, j.id]))} />
        ))}
        <Group align="flex-end" wrap="wrap">
          <TextInput label={intl.formatMessage(m.search)} placeholder={intl.formatMessage(m.searchPlaceholder)} leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 260 }} />
          <Select
            label={intl.formatMessage(m.customer)}
            placeholder={intl.formatMessage(m.allCustomers)}
            clearable
            searchable
            data={customers.rows.filter((r) => r.delegation.status === 'active').map((r) => ({ value: r.tenant.id, label: r.tenant.name }))}
            value={tenant}
            onChange={setTenant}
            w={{ base: '100%', sm: 200 }}
          />
          <Select label={intl.formatMessage(m.status)} placeholder={intl.formatMessage(m.anyStatus)} clearable data={labelOptions(intl, INVOICE_STATUS_WORDS)} value={status} onChange={setStatus} w={{ base: '100%', sm: 150 }} />
          <Select label={intl.formatMessage(m.fromMonth)} placeholder={intl.formatMessage(m.any)} clearable data={months} value={from} onChange={setFrom} w={{ base: '47%', sm: 150 }} />
          <Select label={intl.formatMessage(m.toMonth)} placeholder={intl.formatMessage(m.any)} clearable data={months} value={to} onChange={setTo} w={{ base: '47%', sm: 150 }} />
          <Select label={intl.formatMessage(m.sort)} data={SORTS.map((x) => ({ value: x.value, label: intl.formatMessage(x.label) }))} value={sort} onChange={setSort} allowDeselect={false} w={{ base: '100%', sm: 170 }} data-testid="invoice-sort" />
        </Group>
        {total !== null && !list.loading && !list.error && (
          <Text size="sm" c="dimmed" data-testid="invoice-totals">
            {total === 0 ? intl.formatMessage(m.noMatch) : intl.formatMessage(m.showing, { shown: rows.length, total })} {intl.formatMessage(m.exportIncludes)}
          </Text>
        )}
        <DataTable
          testId="msp-invoices"
          records={rows}
          loading={list.loading}
          error={list.error}
          rowKey={(i) => i.id}
          rowProps={(i) => ({ 'data-number': i.number, 'data-tenant': i.tenant_id })}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore, label: intl.formatMessage(m.showMore) }}
          empty={q || tenant || status ? intl.formatMessage(m.emptyFiltered) : intl.formatMessage(m.empty)}
          columns={[
            { key: 'number', title: intl.formatMessage(m.invoice), mobile: 'title', render: (i) => i.number },
            { key: 'customer', title: intl.formatMessage(m.customer), render: (i) => i.tenant_name ?? names.get(i.tenant_id) ?? '—' },
            // the billing account's number, when the server names it
            ...(rows.some((i) => i.ban_account_number) ? [{ key: 'account', title: intl.formatMessage(m.billingAccount), render: (i: Invoice) => i.ban_account_number ?? '—' }] : []),
            { key: 'period', title: intl.formatMessage(m.month), render: (i) => formatPeriod(i.period) },
            { key: 'issued', title: intl.formatMessage(m.issued), render: (i) => formatDate(i.issued_at) },
            { key: 'due', title: intl.formatMessage(m.due), render: (i) => formatDate(i.due_at) },
            { key: 'total', title: intl.formatMessage(m.total), align: 'right', render: (i) => formatMoney(i.total_cents, i.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'balance', title: intl.formatMessage(m.unpaid), align: 'right', render: (i) => formatMoney(i.balance_cents, i.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'status', title: intl.formatMessage(m.status), width: 110, render: (i) => <LabelBadge value={i.status} map={INVOICE_STATUS_WORDS} /> },
          ]}
        />
      </Stack>
    </>
  );
}

/** The Export menu: CSV, and the PDF statement where the organization has it (else why not). */
function ExportMenu({ busy, pdfOn, onExport }: { busy: boolean; pdfOn: boolean; onExport(format: 'csv' | 'pdf'): void }) {
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button leftSection={<IconDownload size={16} />} loading={busy} data-testid="export-invoices">
          <FormattedMessage {...m.export} />
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => onExport('csv')}>
          <FormattedMessage {...m.csv} />
        </Menu.Item>
        {pdfOn ? (
          <Menu.Item leftSection={<IconFileTypePdf size={16} />} onClick={() => onExport('pdf')}>
            <FormattedMessage {...m.pdf} />
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconFileTypePdf size={16} />} disabled data-testid="pdf-export-unavailable" style={{ whiteSpace: 'normal', maxWidth: 280 }}>
            <FormattedMessage {...m.pdfUnavailable} />
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** A running export: its progress until done, then the download (before its link expires). */
function ExportProgress({ job, onChange }: { job: ExportJob; onChange(j: ExportJob | null): void }) {
  const intl = useIntl();
  const format = job.format.toUpperCase();
  const running = job.status === 'queued' || job.status === 'running';
  const poll = useApiQuery(mspKeys.exportJob(job.id), () => mspApi.exportJob(job.id), { enabled: running, staleTime: 0 });
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => poll.reload(), 1000);
    return () => clearInterval(t);
  }, [running, poll]);
  useEffect(() => {
    if (poll.data && (poll.data.status !== job.status || poll.data.rows_done !== job.rows_done)) onChange(poll.data);
  }, [poll.data, job, onChange]);
  const download = useApiMutation(async () => {
    const r = await mspApi.downloadExport(job.download_url!);
    if ('file' in r) saveFile(r.file, r.filename);
  }, { invalidates: [], notifyError: true });
  return (
    <Paper withBorder radius="md" p="md" data-testid="export-job" data-status={job.status}>
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">
          {intl.formatMessage(m.jobTitle, { format, status: job.status })}
        </Text>
        <Button size="xs" variant="subtle" onClick={() => onChange(null)}>
          <FormattedMessage {...m.hide} />
        </Button>
      </Group>
      <Progress value={job.progress_pct} animated={running} aria-label={intl.formatMessage(m.jobProgress, { format, pct: formatPercent(job.progress_pct, { max: 0 }) })} />
      <Text size="xs" c="dimmed" mt={4}>
        {intl.formatMessage(m.jobRows, { done: job.rows_done, total: job.total_rows })}
        {job.expires_at && job.status === 'done' ? ` · ${intl.formatMessage(m.jobUntil, { date: formatDate(job.expires_at) })}` : ''}
        {job.error ? ` · ${job.error}` : ''}
      </Text>
      {job.status === 'done' && job.download_url && (
        <Button mt="sm" size="xs" leftSection={<IconDownload size={14} />} loading={download.busy} onClick={() => void download.run()}>
          <FormattedMessage {...m.download} />
        </Button>
      )}
    </Paper>
  );
}
