/**
 * Operator → Data sources → a source → Import: upload a CSV file of one kind of record, match its
 * columns to the kind's fields (matched by header names first), read the first rows and each bad
 * row's reason, then apply — only after confirming. Rows with errors are skipped and listed.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Badge, Button, FileInput, Group, Modal, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { dataImportApi, type ImportAppliedDto, type ImportKind, type ImportPreviewDto } from '../../api/dataImport.ts';
import { dataSourcesApi } from '../../api/dataSources.ts';
import { dataSourceKeys } from '../../api/keys/dataSources.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

const KINDS: { value: ImportKind; label: string; owned: string }[] = [
  { value: 'billing_account', label: 'Billing accounts', owned: 'billing_accounts' },
  { value: 'invoice', label: 'Invoices', owned: 'invoices' },
  { value: 'payment', label: 'Payments', owned: 'invoices' },
  { value: 'service', label: 'Services', owned: 'services' },
  { value: 'order', label: 'Orders', owned: 'orders' },
  { value: 'ticket', label: 'Support tickets', owned: 'tickets' },
  { value: 'usage', label: 'Usage', owned: 'usage' },
  { value: 'sla', label: 'SLA records', owned: 'sla' },
];

const NAMES: Record<string, string> = { ban: 'Billing account (BAN)', bill_to_ban: 'Billed to (BAN)', tenant_ref: 'Customer reference', external_id: 'Your id for the record', sla: 'SLA' };
const words = (field: string) => NAMES[field] ?? field.replace(/_cents$/, ' (cents)').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function DataImportPage() {
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
    success: (r) => `${r.applied} applied, ${r.unchanged} unchanged, ${r.held} waiting for a billing account, ${r.skipped} skipped.`,
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
        ← Data sources
      </Anchor>
      <PageHeader title={s ? `Import into ${s.name}` : 'Import a file'} description="Load records from a CSV file: the first load, or a system without an API. Nothing is written until you apply." />
      {!s ? (
        <Text size="sm">Loading…</Text>
      ) : owned.length === 0 ? (
        <Alert variant="light">This source does not send any kind of record that can be imported.</Alert>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label="What the file holds" data={owned.map((k) => ({ value: k.value, label: k.label }))} value={chosen} allowDeselect={false} onChange={(v) => { setKind(v as ImportKind); setPreview(null); setMapping(undefined); setApplied(null); }} />
            <FileInput label="CSV file" accept=".csv,text/csv" value={file} onChange={(f) => void onFile(f)} clearable clearButtonProps={{ 'aria-label': 'Remove the file' }} />
          </SimpleGrid>
          <Group gap="sm">
            {chosen && (
              <Anchor href={dataImportApi.templateUrl(chosen)} download size="sm">
                <Group gap={4} component="span">
                  <IconDownload size={16} aria-hidden /> Download the {KINDS.find((k) => k.value === chosen)!.label.toLowerCase()} template
                </Group>
              </Anchor>
            )}
          </Group>
          <Group>
            <Button leftSection={<IconFileImport size={16} />} disabled={!csv} loading={check.busy} onClick={() => void check.run(undefined)}>
              Check the file
            </Button>
          </Group>
          {check.error ? <ErrorAlert error={check.error} /> : null}
          {preview && !applied && <PreviewView p={preview} mapping={mapping ?? {}} onRemap={remap} />}
          {preview && !applied && (
            <Group>
              <Button color="green" disabled={preview.valid_rows === 0} onClick={() => setConfirming(true)}>
                Apply {preview.valid_rows} {preview.valid_rows === 1 ? 'row' : 'rows'}
              </Button>
              {preview.errors.length > 0 && <Text size="sm">Rows with errors are skipped.</Text>}
            </Group>
          )}
          {applied && <AppliedView r={applied} />}
        </>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Apply this file?">
        <Stack>
          <Text size="sm">
            {preview?.valid_rows} {preview?.valid_rows === 1 ? 'row' : 'rows'} will be written as records of {s?.name}. {preview && preview.rows - preview.valid_rows > 0 ? `${preview.rows - preview.valid_rows} with errors will be skipped.` : ''}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="green" loading={apply.busy} onClick={() => void apply.run()}>
              Apply
            </Button>
          </Group>
          {apply.error ? <ErrorAlert error={apply.error} /> : null}
        </Stack>
      </Modal>
    </Stack>
  );
}

function PreviewView({ p, mapping, onRemap }: { p: ImportPreviewDto; mapping: Record<string, string>; onRemap: (field: string, column: string | null) => void }) {
  const shown = p.fields.filter((f) => mapping[f.name] || f.required);
  return (
    <Stack gap="md">
      <Title order={2} size="h4">
        Columns
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        {p.fields.map((f) => (
          <Select key={f.name} label={`${words(f.name)}${f.required ? ' (required)' : ''}`} description={f.hint === 'text' ? undefined : f.hint} placeholder="Not in the file" data={p.columns} value={mapping[f.name] ?? null} clearable clearButtonProps={{ 'aria-label': `Clear ${words(f.name)}` }} onChange={(v) => onRemap(f.name, v)} />
        ))}
      </SimpleGrid>
      <Text size="sm">
        {p.rows} {p.rows === 1 ? 'row' : 'rows'} in the file: {p.valid_rows} ready, {p.rows - p.valid_rows} with errors.
      </Text>
      <Title order={2} size="h4">
        First rows
      </Title>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways; the keyboard reaches it */}
      <section style={{ overflowX: 'auto' }} tabIndex={0} aria-label="The first rows of the file">
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              {shown.map((f) => (
                <Table.Th key={f.name}>{words(f.name)}</Table.Th>
              ))}
              <Table.Th>Check</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.preview.map((r) => (
              <Table.Tr key={r.row}>
                <Table.Td>{r.row}</Table.Td>
                {shown.map((f) => (
                  <Table.Td key={f.name}>{r.values[f.name]}</Table.Td>
                ))}
                <Table.Td>{r.ok ? <Badge color="green" variant="light">Ready</Badge> : <Badge color="red" variant="light">Has errors</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>
      <ErrorsTable errors={p.errors} />
    </Stack>
  );
}

function ErrorsTable({ errors }: { errors: ImportPreviewDto['errors'] }) {
  if (errors.length === 0) return <Text size="sm">No errors found.</Text>;
  // a row can be wrong in several fields: the heading counts rows, the table lists each problem
  const rows = new Set(errors.map((e) => e.row)).size;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Rows with errors: {plural(rows, 'row', 'rows')}, {plural(errors.length, 'problem', 'problems')}
      </Title>
      <Table withTableBorder data-testid="import-errors">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Row</Table.Th>
            <Table.Th>Field</Table.Th>
            <Table.Th>What is wrong</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {errors.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td>{e.row}</Table.Td>
              <Table.Td>{e.field ? words(e.field) : '—'}</Table.Td>
              <Table.Td>{e.reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function AppliedView({ r }: { r: ImportAppliedDto }) {
  return (
    <Stack gap="sm" data-testid="import-applied">
      <Alert color="green" variant="light" title="Applied">
        <Text size="sm">
          {r.applied} applied, {r.unchanged} unchanged, {r.held} waiting for a billing account that is not known yet, {r.rejected} refused, {r.skipped} skipped for errors.
        </Text>
      </Alert>
      <ErrorsTable errors={r.errors} />
    </Stack>
  );
}
