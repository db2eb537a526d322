/**
 * The CSV import's held rows: a row naming a billing account, customer or invoice that does not exist
 * yet (and that no earlier row of the file creates) is held — at the check, before anything is
 * applied, and again once applied — with why in the reader's words. Its badge in the first rows, the
 * list, and the table of rows the import page's three lists share.
 */
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import type { ImportPreviewDto } from '../../api/dataImport.ts';
import { defineMessages } from '../../i18n/define.ts';

type HeldRow = ImportPreviewDto['held_reasons'][number];

const m = defineMessages({
  ready: { id: 'data_sources.import.ready', defaultMessage: 'Ready' },
  held: { id: 'data_sources.import.held', defaultMessage: 'Held' },
  hasErrors: { id: 'data_sources.import.has_errors', defaultMessage: 'Has errors' },
  heldTitle: { id: 'data_sources.import.held_title', defaultMessage: 'Rows that will be held: {rows, plural, one {{rows} row} other {{rows} rows}}' },
  heldAppliedTitle: { id: 'data_sources.import.held_applied_title', defaultMessage: 'Rows held: {rows, plural, one {{rows} row} other {{rows} rows}}' },
  heldText: {
    id: 'data_sources.import.held_text',
    defaultMessage: 'Each names something that does not exist yet. Applied, the row waits and goes through by itself once that appears.',
  },
  heldAppliedText: { id: 'data_sources.import.held_applied_text', defaultMessage: 'Each waits for something that does not exist yet and goes through by itself once that appears.' },
  row: { id: 'data_sources.import.row', defaultMessage: 'Row' },
  why: { id: 'data_sources.import.held_why', defaultMessage: 'Why it is held' },
  noBan: { id: 'data_sources.import.held.billing_account', defaultMessage: 'Billing account {key} does not exist yet and is not created earlier in this file.' },
  noCustomer: { id: 'data_sources.import.held.customer', defaultMessage: 'No customer has the reference {key} yet, and it is not created by this file.' },
  noInvoice: { id: 'data_sources.import.held.invoice', defaultMessage: 'Invoice {key} does not exist yet and is not created earlier in this file.' },
  waitingFor: { id: 'data_sources.held.waiting_for_what', defaultMessage: '{kind, select, billing_account {billing account {key}} customer {customer {key}} other {invoice {key}}}' },
});

/** A preview row's state at the check. */
export function RowStatusBadge({ status }: { status: ImportPreviewDto['preview'][number]['status'] }) {
  if (status === 'ready')
    return (
      <Badge color="green" variant="light">
        <FormattedMessage {...m.ready} />
      </Badge>
    );
  if (status === 'held')
    return (
      <Badge color="orange.9" variant="outline">
        <FormattedMessage {...m.held} />
      </Badge>
    );
  return (
    <Badge color="red" variant="light">
      <FormattedMessage {...m.hasErrors} />
    </Badge>
  );
}

/** What a held row or line waits for, in the reader's words (the server's `reason` is the applier's English). */
export function heldReason(intl: IntlShape, missing: HeldRow['missing']): string {
  if (missing.kind === 'billing_account') return intl.formatMessage(m.noBan, { key: missing.key });
  if (missing.kind === 'customer') return intl.formatMessage(m.noCustomer, { key: missing.key });
  return intl.formatMessage(m.noInvoice, { key: missing.key });
}

/** The same, short, for a source's held lines: "billing account BAN-123". */
export function waitingForWords(intl: IntlShape, missing: HeldRow['missing']): string {
  return intl.formatMessage(m.waitingFor, { kind: missing.kind, key: missing.key });
}

/**
 * A table of the file's rows, the row's number first: the first rows, the held rows and the row
 * errors of the import page are each one of these.
 */
export function ImportRowsTable<R>({ testId, head, rows, rowKey, cells, striped }: { testId?: string; head: ReactNode[]; rows: readonly R[]; rowKey: (r: R, i: number) => string | number; cells: (r: R) => ReactNode[]; striped?: boolean }) {
  return (
    <Table withTableBorder striped={striped} data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {head.map((h, i) => (
            <Table.Th key={i}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r, i) => (
          <Table.Tr key={rowKey(r, i)}>
            {cells(r).map((c, j) => (
              <Table.Td key={j}>{c}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function HeldRowsTable({ held, count, applied = false }: { held: HeldRow[]; count: number; applied?: boolean }) {
  const intl = useIntl();
  if (count === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        <FormattedMessage {...(applied ? m.heldAppliedTitle : m.heldTitle)} values={{ rows: count }} />
      </Title>
      <Text size="sm">
        <FormattedMessage {...(applied ? m.heldAppliedText : m.heldText)} />
      </Text>
      <ImportRowsTable testId="import-held" head={[<FormattedMessage key="row" {...m.row} />, <FormattedMessage key="why" {...m.why} />]} rows={held} rowKey={(h) => h.row} cells={(h) => [h.row, heldReason(intl, h.missing)]} />
    </Stack>
  );
}
