/**
 * One earnings line and the invoices it came from: the owner's (and the operator's) drill-down from
 * a customer's month to its paid invoices. A clawback names the invoice refunded after the payout.
 */
import { Alert, Group, Modal, Stack, Text } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { programApi, type Earning } from '../../api/program.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { EarningStateBadge } from './EarningStateBadge.tsx';
import { formatMoney, formatMonth, lineWords } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';

const m = defineMessages({
  title: { id: 'program.earning_detail.title', defaultMessage: '{customer} — {month}' },
  commission: {
    id: 'program.earning_detail.commission',
    defaultMessage: 'The commission is worked out once on the total of these invoices ({base} before tax): {amount}.',
  },
  bounty: { id: 'program.earning_detail.bounty', defaultMessage: 'A fixed {amount} for a customer who signed up with your code and paid this first invoice.' },
  empty: { id: 'program.earning_detail.empty', defaultMessage: 'No invoices are recorded for this line.' },
  invoice: { id: 'program.earning_detail.column.invoice', defaultMessage: 'Invoice' },
  paidOn: { id: 'program.earning_detail.column.paid_on', defaultMessage: 'Paid on' },
  amount: { id: 'program.earning_detail.column.amount', defaultMessage: 'Amount before tax' },
});

/** `pid`: the partner plane's route (owner); without it the operator's. */
export function EarningLineDetail({ line, pid, onClose }: { line: Earning | null; pid?: string; onClose: () => void }) {
  const intl = useIntl();
  const id = line?.id ?? '';
  const detail = useApiQuery(programKeys.earning(pid, id), () => (pid ? programApi.earning(pid, id) : programApi.earningDetail(id)), { enabled: !!line });
  const invoices = detail.data?.invoices;
  return (
    <Modal opened={!!line} onClose={onClose} title={line ? intl.formatMessage(m.title, { customer: line.tenant.name, month: formatMonth(line.period) }) : ''} size="lg">
      {line && (
        <Stack gap="sm" data-testid="earning-detail">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm">{lineWords(intl, line)}</Text>
            <EarningStateBadge state={line.state} />
          </Group>
          {line.kind === 'clawback' ? (
            <Alert color="orange" variant="light" data-testid="clawback-explained">
              <Text size="sm">
                <FormattedMessage
                  id="program.earning_detail.clawback"
                  defaultMessage="Invoice {invoice} was refunded after its commission had been paid out. The {amount} paid on it is taken back from the next payout."
                  values={{ invoice: line.refunded_invoice?.number, amount: formatMoney(-line.amount_minor, line.currency) }}
                />
              </Text>
            </Alert>
          ) : (
            <Text size="sm" c="dimmed">
              {line.kind === 'commission'
                ? intl.formatMessage(m.commission, { base: formatMoney(line.base_minor, line.currency), amount: formatMoney(line.amount_minor, line.currency) })
                : intl.formatMessage(m.bounty, { amount: formatMoney(line.amount_minor, line.currency) })}
            </Text>
          )}
          <ErrorAlert error={detail.error} />
          <DataTable
            testId="earning-invoices"
            records={invoices}
            loading={detail.loading}
            rowKey={(i) => i.number}
            empty={intl.formatMessage(m.empty)}
            columns={[
              { key: 'number', title: intl.formatMessage(m.invoice), mobile: 'title', render: (i) => i.number },
              { key: 'paid', title: intl.formatMessage(m.paidOn), render: (i) => (i.paid_at ? formatDateTime(i.paid_at) : '—') },
              { key: 'amount', title: intl.formatMessage(m.amount), align: 'right', render: (i) => formatMoney(i.base_minor, line.currency), style: { whiteSpace: 'nowrap' } },
            ]}
          />
        </Stack>
      )}
    </Modal>
  );
}
