/**
 * The CSV import's held rows: a row naming a billing account, customer or invoice that does not exist
 * yet (and that no earlier row of the file creates) is held — at the check, before anything is
 * applied, and again once applied — with why in words. Its badge in the first rows, and the list.
 */
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

function reason(intl: IntlShape, h: HeldRow): string {
  // the server's words name the same thing; the reader's language needs the message (an applied row carries only the words)
  if (h.missing?.kind === 'billing_account') return intl.formatMessage(m.noBan, { key: h.missing.key });
  if (h.missing?.kind === 'customer') return intl.formatMessage(m.noCustomer, { key: h.missing.key });
  if (h.missing?.kind === 'invoice') return intl.formatMessage(m.noInvoice, { key: h.missing.key });
  return h.reason;
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
      <Table withTableBorder data-testid="import-held">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>
              <FormattedMessage {...m.row} />
            </Table.Th>
            <Table.Th>
              <FormattedMessage {...m.why} />
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {held.map((h) => (
            <Table.Tr key={h.row}>
              <Table.Td>{h.row}</Table.Td>
              <Table.Td>{reason(intl, h)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
