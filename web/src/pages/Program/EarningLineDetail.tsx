/**
 * One earnings line and the invoices it came from: the owner's (and the operator's) drill-down from
 * a customer's month to its paid invoices. A clawback names the invoice refunded after the payout.
 */
import { Alert, Group, Modal, Stack, Text } from '@mantine/core';
import { programApi, type Earning } from '../../api/program.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { EarningStateBadge } from './EarningStateBadge.tsx';
import { formatMoney, formatMonth, lineWords } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';

/** `pid`: the partner plane's route (owner); without it the operator's. */
export function EarningLineDetail({ line, pid, onClose }: { line: Earning | null; pid?: string; onClose: () => void }) {
  const id = line?.id ?? '';
  const detail = useApiQuery(programKeys.earning(pid, id), () => (pid ? programApi.earning(pid, id) : programApi.earningDetail(id)), { enabled: !!line });
  const invoices = detail.data?.invoices;
  return (
    <Modal opened={!!line} onClose={onClose} title={line ? `${line.tenant.name} — ${formatMonth(line.period)}` : ''} size="lg">
      {line && (
        <Stack gap="sm" data-testid="earning-detail">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm">{lineWords(line)}</Text>
            <EarningStateBadge state={line.state} />
          </Group>
          {line.kind === 'clawback' ? (
            <Alert color="orange" variant="light" data-testid="clawback-explained">
              <Text size="sm">
                Invoice {line.refunded_invoice?.number} was refunded after its commission had been paid out. The {formatMoney(-line.amount_minor, line.currency)} paid on it is
                taken back from the next payout.
              </Text>
            </Alert>
          ) : (
            <Text size="sm" c="dimmed">
              {line.kind === 'commission'
                ? `The commission is worked out once on the total of these invoices (${formatMoney(line.base_minor, line.currency)} before tax): ${formatMoney(line.amount_minor, line.currency)}.`
                : `A fixed ${formatMoney(line.amount_minor, line.currency)} for a customer who signed up with your code and paid this first invoice.`}
            </Text>
          )}
          <ErrorAlert error={detail.error} />
          <DataTable
            testId="earning-invoices"
            records={invoices}
            loading={detail.loading}
            rowKey={(i) => i.number}
            empty="No invoices are recorded for this line."
            columns={[
              { key: 'number', title: 'Invoice', mobile: 'title', render: (i) => i.number },
              { key: 'paid', title: 'Paid on', render: (i) => (i.paid_at ? formatDateTime(i.paid_at) : '—') },
              { key: 'amount', title: 'Amount before tax', align: 'right', render: (i) => formatMoney(i.base_minor, line.currency), style: { whiteSpace: 'nowrap' } },
            ]}
          />
        </Stack>
      )}
    </Modal>
  );
}
