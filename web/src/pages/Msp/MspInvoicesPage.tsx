/**
 * Consolidated invoices of every managed customer: filter by customer, status and months, search,
 * sort, money in the invoice's currency, and an export as CSV or PDF — the file at once for a small
 * set, or a job whose progress shows until the download is ready.
 */
import { useEffect, useState } from 'react';
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
import { INVOICE_STATUS, LabelBadge, formatMoney, formatPeriod, monthsAgo, useManagedCustomers } from './shared.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { partnerKeys } from '../../api/keys/partners.ts';

/** The last 36 months, newest first, for the month filters. */
const MONTHS = Array.from({ length: 36 }, (_, i) => monthsAgo(i)).map((p) => ({ value: p, label: formatPeriod(p) }));

const SORTS = [
  { value: '-issued_at', label: 'Newest first' },
  { value: 'issued_at', label: 'Oldest first' },
  { value: 'due_at', label: 'Due soonest' },
  { value: '-balance_cents', label: 'Most unpaid' },
  { value: '-total_cents', label: 'Largest total' },
  { value: 'tenant_name,-issued_at', label: 'Customer A–Z' },
];
const PAGE = 50;

export function MspInvoicesPage() {
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
    success: (r) => ('file' in r ? `Export downloaded: ${r.filename}` : 'Export started. It keeps running if you leave this page.'),
    invalidates: [],
    notifyError: true,
  });

  return (
    <>
      <PageHeader
        title="Invoices"
        // the same words whatever loads later (the formats are in the Export menu), so nothing below moves under a click
        description="Invoices of every customer you manage. Filter, search and sort them, and export what you see."
        actions={
          mayExport && (
          <Menu position="bottom-end">
            <Menu.Target>
              <Button leftSection={<IconDownload size={16} />} loading={exporter.busy} data-testid="export-invoices">
                Export
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconFileTypeCsv size={16} />} onClick={() => void exporter.run('csv')}>
                Spreadsheet (CSV)
              </Menu.Item>
              {pdfOn ? (
                <Menu.Item leftSection={<IconFileTypePdf size={16} />} onClick={() => void exporter.run('pdf')}>
                  Statement (PDF)
                </Menu.Item>
              ) : (
                <Menu.Item leftSection={<IconFileTypePdf size={16} />} disabled data-testid="pdf-export-unavailable" style={{ whiteSpace: 'normal', maxWidth: 280 }}>
                  Statement (PDF) is in early access and not enabled for your organization yet. Ask the platform operator to join.
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
          )
        }
      />
      <Stack>
        <DataFreshness kind="invoices" />
        {job && <ExportProgress job={job} onChange={setJob} />}
        {recent.map((j) => (
          <ExportProgress key={j.id} job={j} onChange={(x) => (x ? recentJobs.reload() : setHidden((h) => [...h, j.id]))} />
        ))}
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Search" placeholder="Invoice number, customer or account" leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 260 }} />
          <Select
            label="Customer"
            placeholder="All customers"
            clearable
            searchable
            data={customers.rows.filter((r) => r.delegation.status === 'active').map((r) => ({ value: r.tenant.id, label: r.tenant.name }))}
            value={tenant}
            onChange={setTenant}
            w={{ base: '100%', sm: 200 }}
          />
          <Select label="Status" placeholder="Any status" clearable data={Object.entries(INVOICE_STATUS).map(([value, x]) => ({ value, label: x.label }))} value={status} onChange={setStatus} w={{ base: '100%', sm: 150 }} />
          <Select label="From month" placeholder="Any" clearable data={MONTHS} value={from} onChange={setFrom} w={{ base: '47%', sm: 150 }} />
          <Select label="To month" placeholder="Any" clearable data={MONTHS} value={to} onChange={setTo} w={{ base: '47%', sm: 150 }} />
          <Select label="Sort" data={SORTS} value={sort} onChange={setSort} allowDeselect={false} w={{ base: '100%', sm: 170 }} data-testid="invoice-sort" />
        </Group>
        {total !== null && !list.loading && !list.error && (
          <Text size="sm" c="dimmed" data-testid="invoice-totals">
            {total === 0 ? 'No invoice matches.' : `Showing ${rows.length.toLocaleString()} of ${total.toLocaleString()} invoices.`} The export includes every matching invoice.
          </Text>
        )}
        <DataTable
          testId="msp-invoices"
          records={rows}
          loading={list.loading}
          error={list.error}
          rowKey={(i) => i.id}
          rowProps={(i) => ({ 'data-number': i.number, 'data-tenant': i.tenant_id })}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore, label: 'Show more invoices' }}
          empty={q || tenant || status ? 'No invoice matches these filters.' : 'No invoices in these months.'}
          columns={[
            { key: 'number', title: 'Invoice', mobile: 'title', render: (i) => i.number },
            { key: 'customer', title: 'Customer', render: (i) => i.tenant_name ?? names.get(i.tenant_id) ?? '—' },
            // the billing account's number, when the server names it
            ...(rows.some((i) => i.ban_account_number) ? [{ key: 'account', title: 'Billing account', render: (i: Invoice) => i.ban_account_number ?? '—' }] : []),
            { key: 'period', title: 'Month', render: (i) => formatPeriod(i.period) },
            { key: 'issued', title: 'Issued', render: (i) => formatDate(i.issued_at) },
            { key: 'due', title: 'Due', render: (i) => formatDate(i.due_at) },
            { key: 'total', title: 'Total', align: 'right', render: (i) => formatMoney(i.total_cents, i.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'balance', title: 'Unpaid', align: 'right', render: (i) => formatMoney(i.balance_cents, i.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'status', title: 'Status', width: 110, render: (i) => <LabelBadge value={i.status} map={INVOICE_STATUS} /> },
          ]}
        />
      </Stack>
    </>
  );
}

/** A running export: its progress until done, then the download (before its link expires). */
function ExportProgress({ job, onChange }: { job: ExportJob; onChange(j: ExportJob | null): void }) {
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
          {job.format.toUpperCase()} export · {job.status === 'done' ? 'ready' : job.status === 'failed' ? 'failed' : job.status === 'expired' ? 'expired' : 'in progress'}
        </Text>
        <Button size="xs" variant="subtle" onClick={() => onChange(null)}>
          Hide
        </Button>
      </Group>
      <Progress value={job.progress_pct} animated={running} aria-label={`${job.format.toUpperCase()} export: ${job.progress_pct} % done`} />
      <Text size="xs" c="dimmed" mt={4}>
        {job.rows_done.toLocaleString()} of {job.total_rows.toLocaleString()} invoices
        {job.expires_at && job.status === 'done' ? ` · the download is available until ${formatDate(job.expires_at)}` : ''}
        {job.error ? ` · ${job.error}` : ''}
      </Text>
      {job.status === 'done' && job.download_url && (
        <Button mt="sm" size="xs" leftSection={<IconDownload size={14} />} loading={download.busy} onClick={() => void download.run()}>
          Download
        </Button>
      )}
    </Paper>
  );
}
