/**
 * Operator → Data sources → a source → Import: upload a CSV file of one kind of record, match its
 * columns to the kind's fields (matched by header names first), read the first rows and each bad
 * row's reason, then apply — only after confirming. Rows with errors are skipped and listed.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Button, FileInput, Group, Modal, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { dataImportApi, type ImportAppliedDto, type ImportKind, type ImportPreviewDto } from '../../api/dataImport.ts';
import { dataSourcesApi } from '../../api/dataSources.ts';
import { dataSourceKeys } from '../../api/keys/dataSources.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { HeldRowsTable, ImportRowsTable, RowStatusBadge } from './ImportHeldRows.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';

const m = defineMessages({
  back: { id: 'data_sources.import.back', defaultMessage: '← Data sources' },
  titleInto: { id: 'data_sources.import.title_into', defaultMessage: 'Import into {name}' },
  title: { id: 'data_sources.import.title', defaultMessage: 'Import a file' },
  description: {
    id: 'data_sources.import.description',
    defaultMessage: 'Load records from a CSV file: the first load, or a system without an API. Nothing is written until you apply.',
  },
  nothingImportable: { id: 'data_sources.import.nothing_importable', defaultMessage: 'This source does not send any kind of record that can be imported.' },
  fileHolds: { id: 'data_sources.import.file_holds', defaultMessage: 'What the file holds' },
  csvFile: { id: 'data_sources.import.csv_file', defaultMessage: 'CSV file' },
  removeFile: { id: 'data_sources.import.remove_file', defaultMessage: 'Remove the file' },
  template: {
    id: 'data_sources.import.template',
    defaultMessage:
      'Download the {kind, select, billing_account {billing accounts} invoice {invoices} payment {payments} service {services} order {orders} ticket {support tickets} usage {usage} sla {sla records} other {records}} template',
  },
  checkFile: { id: 'data_sources.import.check_file', defaultMessage: 'Check the file' },
  applyRows: { id: 'data_sources.import.apply_rows', defaultMessage: '{count, plural, one {Apply {count} row} other {Apply {count} rows}}' },
  errorsSkipped: { id: 'data_sources.import.errors_skipped', defaultMessage: 'Rows with errors are skipped.' },
  applyTitle: { id: 'data_sources.import.apply_title', defaultMessage: 'Apply this file?' },
  applyText: {
    id: 'data_sources.import.apply_text',
    defaultMessage:
      '{count, plural, one {{count} row} other {{count} rows}} will be written as records of {name}. {skipped, plural, =0 {} other {{skipped} with errors will be skipped.}}',
  },
  applyHeld: {
    id: 'data_sources.import.apply_held',
    defaultMessage: '{count, plural, one {{count} row names} other {{count} rows name}} something that does not exist yet: held until it appears.',
  },
  cancel: { id: 'common.cancel', defaultMessage: 'Cancel' },
  apply: { id: 'data_sources.import.apply', defaultMessage: 'Apply' },
  appliedToast: { id: 'data_sources.import.applied_toast', defaultMessage: '{applied} applied, {unchanged} unchanged, {held} waiting for a billing account, {skipped} skipped.' },
  columns: { id: 'data_sources.import.columns', defaultMessage: 'Columns' },
  required: { id: 'data_sources.import.field_required', defaultMessage: '{field} (required)' },
  notInFile: { id: 'data_sources.import.not_in_file', defaultMessage: 'Not in the file' },
  clearField: { id: 'data_sources.import.clear_field', defaultMessage: 'Clear {field}' },
  rowsSummary: {
    id: 'data_sources.import.rows_summary',
    defaultMessage: '{rows, plural, one {{rows} row} other {{rows} rows}} in the file: {valid} ready, {held, plural, =0 {} other {{held} held, }}{invalid} with errors.',
  },
  firstRows: { id: 'data_sources.import.first_rows', defaultMessage: 'First rows' },
  firstRowsLabel: { id: 'data_sources.import.first_rows_label', defaultMessage: 'The first rows of the file' },
  row: { id: 'data_sources.import.row', defaultMessage: 'Row' },
  check: { id: 'data_sources.import.check', defaultMessage: 'Check' },
  noErrors: { id: 'data_sources.import.no_errors', defaultMessage: 'No errors found.' },
  errorsTitle: {
    id: 'data_sources.import.errors_title',
    defaultMessage: 'Rows with errors: {rows, plural, one {{rows} row} other {{rows} rows}}, {problems, plural, one {{problems} problem} other {{problems} problems}}',
  },
  field: { id: 'data_sources.import.field', defaultMessage: 'Field' },
  whatIsWrong: { id: 'data_sources.import.what_is_wrong', defaultMessage: 'What is wrong' },
  applied: { id: 'data_sources.import.applied', defaultMessage: 'Applied' },
  appliedText: {
    id: 'data_sources.import.applied_text',
    defaultMessage: '{applied} applied, {unchanged} unchanged, {held} waiting for a billing account that is not known yet, {rejected} refused, {skipped} skipped for errors.',
  },
});

const KIND_LABEL: Record<ImportKind, Message> = defineMessages({
  billing_account: { id: 'data_sources.import.kind.billing_account', defaultMessage: 'Billing accounts' },
  invoice: { id: 'data_sources.import.kind.invoice', defaultMessage: 'Invoices' },
  payment: { id: 'data_sources.import.kind.payment', defaultMessage: 'Payments' },
  service: { id: 'data_sources.import.kind.service', defaultMessage: 'Services' },
  order: { id: 'data_sources.import.kind.order', defaultMessage: 'Orders' },
  ticket: { id: 'data_sources.import.kind.ticket', defaultMessage: 'Support tickets' },
  usage: { id: 'data_sources.import.kind.usage', defaultMessage: 'Usage' },
  sla: { id: 'data_sources.import.kind.sla', defaultMessage: 'SLA records' },
  subscriber: { id: 'data_sources.import.kind.subscriber', defaultMessage: 'Subscribers' },
});

const KINDS: { value: ImportKind; owned: string }[] = [
  { value: 'billing_account', owned: 'billing_accounts' },
  { value: 'invoice', owned: 'invoices' },
  { value: 'payment', owned: 'invoices' },
  { value: 'service', owned: 'services' },
  { value: 'order', owned: 'orders' },
  { value: 'ticket', owned: 'tickets' },
  { value: 'usage', owned: 'usage' },
  { value: 'sla', owned: 'sla' },
  { value: 'subscriber', owned: 'subscribers' },
];

/** the record fields, as a column heading names them */
const FIELD_WORDS: Record<string, Message> = defineMessages({
  account_number: { id: 'data_sources.import.field.account_number', defaultMessage: 'Account number' },
  achieved_pct: { id: 'data_sources.import.field.achieved_pct', defaultMessage: 'Achieved pct' },
  activated_at: { id: 'data_sources.import.field.activated_at', defaultMessage: 'Activated at' },
  amount_cents: { id: 'data_sources.import.field.amount_cents', defaultMessage: 'Amount (cents)' },
  assignee: { id: 'data_sources.import.field.assignee', defaultMessage: 'Assignee' },
  balance_cents: { id: 'data_sources.import.field.balance_cents', defaultMessage: 'Balance (cents)' },
  ban: { id: 'data_sources.import.field.ban', defaultMessage: 'Billing account (BAN)' },
  bandwidth_mbps: { id: 'data_sources.import.field.bandwidth_mbps', defaultMessage: 'Bandwidth mbps' },
  bill_to_ban: { id: 'data_sources.import.field.bill_to_ban', defaultMessage: 'Billed to (BAN)' },
  category: { id: 'data_sources.import.field.category', defaultMessage: 'Category' },
  credited_cents: { id: 'data_sources.import.field.credited_cents', defaultMessage: 'Credited (cents)' },
  currency: { id: 'data_sources.import.field.currency', defaultMessage: 'Currency' },
  description: { id: 'data_sources.import.field.description', defaultMessage: 'Description' },
  downtime_minutes: { id: 'data_sources.import.field.downtime_minutes', defaultMessage: 'Downtime minutes' },
  due_at: { id: 'data_sources.import.field.due_at', defaultMessage: 'Due at' },
  external_id: { id: 'data_sources.import.field.external_id', defaultMessage: 'Your id for the record' },
  incidents: { id: 'data_sources.import.field.incidents', defaultMessage: 'Incidents' },
  invoice_external_id: { id: 'data_sources.import.field.invoice_external_id', defaultMessage: 'Invoice external id' },
  issued_at: { id: 'data_sources.import.field.issued_at', defaultMessage: 'Issued at' },
  location: { id: 'data_sources.import.field.location', defaultMessage: 'Location' },
  metric: { id: 'data_sources.import.field.metric', defaultMessage: 'Metric' },
  monthly_price_cents: { id: 'data_sources.import.field.monthly_price_cents', defaultMessage: 'Monthly price (cents)' },
  name: { id: 'data_sources.import.field.name', defaultMessage: 'Name' },
  email: { id: 'data_sources.import.field.email', defaultMessage: 'E-mail address' },
  phone: { id: 'data_sources.import.field.phone', defaultMessage: 'Phone' },
  plan: { id: 'data_sources.import.field.plan', defaultMessage: 'Plan' },
  service_address: { id: 'data_sources.import.field.service_address', defaultMessage: 'Service address' },
  notes: { id: 'data_sources.import.field.notes', defaultMessage: 'Notes' },
  number: { id: 'data_sources.import.field.number', defaultMessage: 'Number' },
  opened_at: { id: 'data_sources.import.field.opened_at', defaultMessage: 'Opened at' },
  paid_at: { id: 'data_sources.import.field.paid_at', defaultMessage: 'Paid at' },
  period: { id: 'data_sources.import.field.period', defaultMessage: 'Period' },
  placed_at: { id: 'data_sources.import.field.placed_at', defaultMessage: 'Placed at' },
  priority: { id: 'data_sources.import.field.priority', defaultMessage: 'Priority' },
  product_code: { id: 'data_sources.import.field.product_code', defaultMessage: 'Product code' },
  product_name: { id: 'data_sources.import.field.product_name', defaultMessage: 'Product name' },
  quantity: { id: 'data_sources.import.field.quantity', defaultMessage: 'Quantity' },
  recorded_at: { id: 'data_sources.import.field.recorded_at', defaultMessage: 'Recorded at' },
  resolved_at: { id: 'data_sources.import.field.resolved_at', defaultMessage: 'Resolved at' },
  sla: { id: 'data_sources.import.field.sla', defaultMessage: 'SLA' },
  status: { id: 'data_sources.import.field.status', defaultMessage: 'Status' },
  subject: { id: 'data_sources.import.field.subject', defaultMessage: 'Subject' },
  subtotal_cents: { id: 'data_sources.import.field.subtotal_cents', defaultMessage: 'Subtotal (cents)' },
  target_pct: { id: 'data_sources.import.field.target_pct', defaultMessage: 'Target pct' },
  tax_cents: { id: 'data_sources.import.field.tax_cents', defaultMessage: 'Tax (cents)' },
  tenant_ref: { id: 'data_sources.import.field.tenant_ref', defaultMessage: 'Customer reference' },
  total_cents: { id: 'data_sources.import.field.total_cents', defaultMessage: 'Total (cents)' },
  unit_price_cents: { id: 'data_sources.import.field.unit_price_cents', defaultMessage: 'Unit price (cents)' },
  version: { id: 'data_sources.import.field.version', defaultMessage: 'Version' },
});
/** a field the portal has no words for yet is shown as the server names it */
const words = (intl: IntlShape, field: string) => (FIELD_WORDS[field] ? intl.formatMessage(FIELD_WORDS[field]) : field);

export function DataImportPage() {
  const intl = useIntl();
  const { id = '' } = useParams();
  const source = useApiQuery(dataSourceKeys.one(id), () => dataSourcesApi.get(id));
  const owned = KINDS.filter((k) => source.data?.kinds.includes(k.owned as never));
  const [kind, setKind] = useState<ImportKind | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [csv, setCsv] = useState<string>('');
  const [mapping, setMapping] = useState<Record<string, string> | undefined>(undefined);
  const [preview, setPreview] = useState<ImportPreviewDto | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<ImportAppliedDto | null>(null);
  const chosen = kind ?? owned[0]?.value ?? null;

  const check = useApiMutation((m: Record<string, string> | undefined) => dataImportApi.preview(id, { kind: chosen!, csv, ...(m ? { mapping: m } : {}) }), {
    onDone: (r) => {
      setPreview(r);
      setMapping(r.mapping);
      setApplied(null);
    },
  });
  const apply = useApiMutation(() => dataImportApi.apply(id, { kind: chosen!, csv, ...(mapping ? { mapping } : {}), confirm: true }), {
    success: (r) => intl.formatMessage(m.appliedToast, { applied: r.applied, unchanged: r.unchanged, held: r.held, skipped: r.skipped }),
    onDone: (r) => {
      setApplied(r);
      setConfirming(false);
    },
    invalidates: [dataSourceKeys.all, dataSourceKeys.one(id)],
  });

  const onFile = async (f: File | null) => {
    setFile(f);
    setPreview(null);
    setApplied(null);
    setMapping(undefined);
    setCsv(f ? await f.text() : '');
  };
  const remap = (field: string, column: string | null) => {
    const m = { ...(mapping ?? {}) };
    if (column) m[field] = column;
    else delete m[field];
    setMapping(m);
    void check.run(m);
  };

  if (source.error) return <ErrorAlert error={source.error} />;
  const s = source.data;
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/operator/data-sources" size="sm">
        <FormattedMessage {...m.back} />
      </Anchor>
      <PageHeader title={s ? intl.formatMessage(m.titleInto, { name: s.name }) : intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      {!s ? (
        <Text size="sm">
          <FormattedMessage {...common.loading} />
        </Text>
      ) : owned.length === 0 ? (
        <Alert variant="light">
          <FormattedMessage {...m.nothingImportable} />
        </Alert>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label={intl.formatMessage(m.fileHolds)} data={owned.map((k) => ({ value: k.value, label: intl.formatMessage(KIND_LABEL[k.value]) }))} value={chosen} allowDeselect={false} onChange={(v) => { setKind(v as ImportKind); setPreview(null); setMapping(undefined); setApplied(null); }} />
            <FileInput label={intl.formatMessage(m.csvFile)} accept=".csv,text/csv" value={file} onChange={(f) => void onFile(f)} clearable clearButtonProps={{ 'aria-label': intl.formatMessage(m.removeFile) }} />
          </SimpleGrid>
          <Group gap="sm">
            {chosen && (
              <Anchor href={dataImportApi.templateUrl(chosen)} download size="sm">
                <Group gap={4} component="span">
                  <IconDownload size={16} aria-hidden /> <FormattedMessage {...m.template} values={{ kind: chosen }} />
                </Group>
              </Anchor>
            )}
          </Group>
          <Group>
            <Button leftSection={<IconFileImport size={16} />} disabled={!csv} loading={check.busy} onClick={() => void check.run(undefined)}>
              <FormattedMessage {...m.checkFile} />
            </Button>
          </Group>
          {check.error ? <ErrorAlert error={check.error} /> : null}
          {preview && !applied && <PreviewView p={preview} mapping={mapping ?? {}} onRemap={remap} />}
          {preview && !applied && (
            <Group>
              <Button color="green" disabled={preview.valid_rows === 0} onClick={() => setConfirming(true)}>
                <FormattedMessage {...m.applyRows} values={{ count: preview.valid_rows }} />
              </Button>
              {preview.errors.length > 0 && (
                <Text size="sm">
                  <FormattedMessage {...m.errorsSkipped} />
                </Text>
              )}
            </Group>
          )}
          {applied && <AppliedView r={applied} />}
        </>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={intl.formatMessage(m.applyTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.applyText} values={{ count: preview?.valid_rows ?? 0, name: s?.name ?? '', skipped: preview ? Math.max(0, preview.rows - preview.valid_rows) : 0 }} />
          </Text>
          {preview && preview.held_rows > 0 && (
            <Text size="sm">
              <FormattedMessage {...m.applyHeld} values={{ count: preview.held_rows }} />
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button color="green" loading={apply.busy} onClick={() => void apply.run()}>
              <FormattedMessage {...m.apply} />
            </Button>
          </Group>
          {apply.error ? <ErrorAlert error={apply.error} /> : null}
        </Stack>
      </Modal>
    </Stack>
  );
}

function PreviewView({ p, mapping, onRemap }: { p: ImportPreviewDto; mapping: Record<string, string>; onRemap: (field: string, column: string | null) => void }) {
  const intl = useIntl();
  const shown = p.fields.filter((f) => mapping[f.name] || f.required);
  return (
    <Stack gap="md">
      <Title order={2} size="h4">
        <FormattedMessage {...m.columns} />
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        {p.fields.map((f) => (
          <Select
            key={f.name}
            label={f.required ? intl.formatMessage(m.required, { field: words(intl, f.name) }) : words(intl, f.name)}
            description={f.hint === 'text' ? undefined : f.hint}
            placeholder={intl.formatMessage(m.notInFile)}
            data={p.columns}
            value={mapping[f.name] ?? null}
            clearable
            clearButtonProps={{ 'aria-label': intl.formatMessage(m.clearField, { field: words(intl, f.name) }) }}
            onChange={(v) => onRemap(f.name, v)}
          />
        ))}
      </SimpleGrid>
      <Text size="sm">
        <FormattedMessage {...m.rowsSummary} values={{ rows: p.rows, valid: p.ready_rows, held: p.held_rows, invalid: p.rows - p.ready_rows - p.held_rows }} />
      </Text>
      <Title order={2} size="h4">
        <FormattedMessage {...m.firstRows} />
      </Title>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways; the keyboard reaches it */}
      <section style={{ overflowX: 'auto' }} tabIndex={0} aria-label={intl.formatMessage(m.firstRowsLabel)}>
        <ImportRowsTable
          striped
          head={[<FormattedMessage key="row" {...m.row} />, ...shown.map((f) => words(intl, f.name)), <FormattedMessage key="check" {...m.check} />]}
          rows={p.preview}
          rowKey={(r) => r.row}
          cells={(r) => [r.row, ...shown.map((f) => r.values[f.name]), <RowStatusBadge key="status" status={r.status} />]}
        />
      </section>
      <HeldRowsTable held={p.held_reasons} count={p.held_rows} />
      <ErrorsTable errors={p.errors} />
    </Stack>
  );
}

function ErrorsTable({ errors }: { errors: ImportPreviewDto['errors'] }) {
  const intl = useIntl();
  if (errors.length === 0)
    return (
      <Text size="sm">
        <FormattedMessage {...m.noErrors} />
      </Text>
    );
  // a row can be wrong in several fields: the heading counts rows, the table lists each problem
  const rows = new Set(errors.map((e) => e.row)).size;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        <FormattedMessage {...m.errorsTitle} values={{ rows, problems: errors.length }} />
      </Title>
      <ImportRowsTable
        testId="import-errors"
        head={[<FormattedMessage key="row" {...m.row} />, <FormattedMessage key="field" {...m.field} />, <FormattedMessage key="wrong" {...m.whatIsWrong} />]}
        rows={errors}
        rowKey={(_, i) => i}
        cells={(e) => [e.row, e.field ? words(intl, e.field) : '—', e.reason]}
      />
    </Stack>
  );
}

function AppliedView({ r }: { r: ImportAppliedDto }) {
  const intl = useIntl();
  return (
    <Stack gap="sm" data-testid="import-applied">
      <Alert color="green" variant="light" title={intl.formatMessage(m.applied)}>
        <Text size="sm">
          <FormattedMessage {...m.appliedText} values={{ applied: r.applied, unchanged: r.unchanged, held: r.held, rejected: r.rejected, skipped: r.skipped }} />
        </Text>
      </Alert>
      <HeldRowsTable held={r.held_reasons} count={r.held} applied />
      <ErrorsTable errors={r.errors} />
    </Stack>
  );
}
