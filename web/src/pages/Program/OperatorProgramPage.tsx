/**
 * The operator's partner program console: per-partner and platform totals, agreements to draft and approve,
 * earnings to approve, payouts to record. Tabs carry a badge with what waits for the operator.
 */
import { useMemo, useState } from 'react';
import { useMediaQuery } from '@mantine/hooks';
import { Badge, Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconCash, IconChartBar, IconCheck, IconFileText, IconReceipt, IconRefresh } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { programApi, type Earning, type ProgramPartnerRow } from '../../api/program.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { EarningStateBadge } from './EarningStateBadge.tsx';
import { EarningLineDetail } from './EarningLineDetail.tsx';
import { formatDay, formatMoney, formatMoneyShort, formatMonth, lineWords, monthRows, monthSeries, stateLabel } from './programFormat.ts';
import { PartnerPicker, type TabProps } from './ProgramPartnerPicker.tsx';
import { AgreementsTab } from './OperatorAgreementsTab.tsx';
import { programKeys } from '../../api/keys/program.ts';
import { WAITING_LABEL, msg } from './OperatorProgramPage.messages.ts';

function CountBadge({ n, color = 'red' }: { n: number; color?: string }) {
  if (!n) return null;
  return (
    <Badge size="sm" circle color={color} ml={4}>
      {n}
    </Badge>
  );
}

export function OperatorProgramPage() {
  const intl = useIntl();
  const partners = useApiQuery(programKeys.op.partners, () => programApi.partners());
  const pending = useApiQuery(programKeys.op.pendingCount, () => programApi.allEarnings({ state: 'pending', limit: 1 }));
  const [tab, setTab] = useState<string | null>('overview');
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const rows = partners.data?.items ?? [];
  const toApprove = rows.filter((r) => r.waiting === 'approve').length;
  const pendingCount = pending.data?.total ?? 0;
  const partnerOptions = rows.map((r) => ({ value: r.partner.id, label: r.partner.name }));
  const open = (t: string, pid: string) => {
    setPartnerId(pid);
    setTab(t);
  };

  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.title)}
        description={intl.formatMessage(msg.description)}
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview" leftSection={<IconChartBar size={16} />}>
            {intl.formatMessage(msg.tabOverview)}
          </Tabs.Tab>
          <Tabs.Tab value="agreements" leftSection={<IconFileText size={16} />} rightSection={<CountBadge n={toApprove} />} data-testid="tab-agreements">
            {intl.formatMessage(msg.agreements)}
          </Tabs.Tab>
          <Tabs.Tab value="earnings" leftSection={<IconReceipt size={16} />} rightSection={<CountBadge n={pendingCount} color="yellow" />} data-testid="tab-earnings">
            {intl.formatMessage(msg.earnings)}
          </Tabs.Tab>
          <Tabs.Tab value="payouts" leftSection={<IconCash size={16} />}>
            {intl.formatMessage(msg.tabPayouts)}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <Overview rows={rows} loading={partners.loading} error={partners.error} open={open} />
        </Tabs.Panel>
        <Tabs.Panel value="agreements">
          <AgreementsTab options={partnerOptions} partnerId={partnerId} setPartnerId={setPartnerId} rows={rows} />
        </Tabs.Panel>
        <Tabs.Panel value="earnings">
          <EarningsTab options={partnerOptions} partnerId={partnerId} setPartnerId={setPartnerId} />
        </Tabs.Panel>
        <Tabs.Panel value="payouts">
          <PayoutsTab options={partnerOptions} partnerId={partnerId} setPartnerId={setPartnerId} rows={rows} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function Overview({ rows, loading, error, open }: { rows: ProgramPartnerRow[]; loading: boolean; error: unknown; open: (tab: string, pid: string) => void }) {
  const intl = useIntl();
  const totals = useApiQuery(programKeys.op.totals, () => programApi.totals());
  const cur = totals.data?.currency ?? rows[0]?.currency ?? 'EUR';
  return (
    <Stack gap="lg">
      <ErrorAlert error={error ?? totals.error} />
      <Chart
        title={intl.formatMessage(msg.chartTitle)}
        kind="bar"
        stacked
        loading={totals.loading}
        data={monthRows(totals.data?.by_month ?? [])}
        dataKey="month"
        series={monthSeries(intl)}
        valueFormatter={(v) => formatMoneyShort(v, cur)}
        tableFormatter={(v) => formatMoney(v, cur)}
        empty={intl.formatMessage(msg.chartEmpty)}
      />
      <DataTable
        testId="program-partners"
        records={rows}
        loading={loading}
        rowKey={(r) => r.partner.id}
        rowProps={(r) => ({ 'data-partner': r.partner.name })}
        empty={intl.formatMessage(msg.partnersEmpty)}
        defaultSort={{ key: 'partner', direction: 'asc' }}
        columns={[
          {
            key: 'partner',
            title: intl.formatMessage(msg.partner),
            mobile: 'title',
            sortValue: (r) => r.partner.name,
            render: (r) => (
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {r.partner.name}
                </Text>
                {r.waiting && (
                  <Badge size="sm" color={r.waiting === 'approve' ? 'red' : 'yellow'} variant="light" data-waiting={r.waiting}>
                    {intl.formatMessage(WAITING_LABEL[r.waiting])}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'signups', title: intl.formatMessage(msg.signUps), align: 'right', sortValue: (r) => r.sign_ups, render: (r) => r.sign_ups },
          { key: 'customers', title: intl.formatMessage(msg.customers), align: 'right', sortValue: (r) => r.referred_tenants, render: (r) => r.referred_tenants },
          { key: 'pending', title: intl.formatMessage(msg.pending), align: 'right', sortValue: (r) => r.pending_minor, render: (r) => formatMoney(r.pending_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'approved', title: intl.formatMessage(msg.toPay), align: 'right', sortValue: (r) => r.approved_minor, render: (r) => formatMoney(r.approved_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'paid', title: intl.formatMessage(msg.paid), align: 'right', sortValue: (r) => r.paid_minor, render: (r) => formatMoney(r.paid_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          {
            key: 'agreement',
            title: intl.formatMessage(msg.agreement),
            render: (r) =>
              r.current_agreement_version ? (
                intl.formatMessage(msg.version, { version: r.current_agreement_version })
              ) : (
                <Text size="sm" c="dimmed">
                  {intl.formatMessage(msg.noneInForce)}
                </Text>
              ),
          },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (r) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="light" onClick={() => open('agreements', r.partner.id)}>
                  {intl.formatMessage(msg.agreements)}
                </Button>
                <Button size="xs" variant="default" onClick={() => open('earnings', r.partner.id)}>
                  {intl.formatMessage(msg.earnings)}
                </Button>
              </Group>
            ),
          },
        ]}
      />
    </Stack>
  );
}

// ---- earnings ------------------------------------------------------------------------------------

function EarningStateSelect({ value, onChange }: { value: string | null; onChange(v: string | null): void }) {
  const intl = useIntl();
  return (
    <Select
      label={intl.formatMessage(msg.state)}
      placeholder={intl.formatMessage(msg.allStates)}
      clearable
      w={{ base: '100%', sm: 200 }}
      data={[
        { value: 'pending', label: stateLabel(intl, 'pending') },
        { value: 'approved', label: stateLabel(intl, 'approved') },
        { value: 'paid', label: stateLabel(intl, 'paid') },
        { value: 'reversed', label: stateLabel(intl, 'reversed') },
      ]}
      value={value}
      onChange={onChange}
    />
  );
}

function EarningsTab(props: TabProps) {
  const intl = useIntl();
  const { partnerId } = props;
  const [state, setState] = useState<string | null>('pending');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<Earning | null>(null);
  const list = useApiQuery(programKeys.op.earnings(partnerId, state), () => programApi.allEarnings({ partner_id: partnerId ?? undefined, state: state ?? undefined, limit: 200 }));
  const items = list.data?.items ?? [];
  const approvable = items.filter((e) => e.state === 'pending');
  const picked = approvable.filter((e) => selected.has(e.id));
  const pickedTotal = useMemo(() => sumByCurrency(picked), [picked]);
  const approve = useApiMutation(() => programApi.approveEarnings(picked.map((e) => e.id)), {
    success: (r) => intl.formatMessage(msg.approved, { count: r.approved }),
    onDone: () => setSelected(new Set()),
    notifyError: true,
    invalidates: [programKeys.all],
  });
  const compute = useApiMutation(() => programApi.compute(), {
    success: (r) => intl.formatMessage(msg.computed, { created: r.created, updated: r.updated, reversed: r.reversed, unchanged: r.unchanged }),
    notifyError: true,
    invalidates: [programKeys.all],
  });
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const allPicked = approvable.length > 0 && picked.length === approvable.length;
  // on a phone the row is a card and the box sits at its foot: it needs words of its own
  const phone = useMediaQuery('(max-width: 48em)');

  return (
    <Stack gap="md">
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <Group align="flex-end" wrap="wrap">
          <PartnerPicker {...props} clearable placeholder={intl.formatMessage(msg.allPartners)} />
          <EarningStateSelect
            value={state}
            onChange={(v) => {
              setState(v);
              setSelected(new Set());
            }}
          />
        </Group>
        <Button variant="default" leftSection={<IconRefresh size={16} />} loading={compute.busy} onClick={() => void compute.run()}>
          <FormattedMessage id="program.operator.earnings.compute" defaultMessage="Compute earnings now" />
        </Button>
      </Group>
      <EarningsExplained />
      <ErrorAlert error={list.error} />
      {approvable.length > 0 && (
        <Group justify="space-between" wrap="wrap">
          <Checkbox
            label={allPicked ? intl.formatMessage(msg.unselectAll) : intl.formatMessage(msg.selectAll, { count: approvable.length })}
            checked={allPicked}
            indeterminate={picked.length > 0 && !allPicked}
            onChange={() => setSelected(allPicked ? new Set() : new Set(approvable.map((e) => e.id)))}
          />
          <Button leftSection={<IconCheck size={16} />} disabled={picked.length === 0} loading={approve.busy} onClick={() => void approve.run()}>
            {picked.length === 0 ? intl.formatMessage(msg.approveSelected) : intl.formatMessage(msg.approveCount, { count: picked.length, total: pickedTotal })}
          </Button>
        </Group>
      )}
      <DataTable
        testId="op-earnings"
        records={items}
        loading={list.loading}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-state': e.state, 'data-customer': e.tenant.name, 'data-kind': e.kind })}
        onRowClick={setOpen}
        empty={state === 'pending' ? intl.formatMessage(msg.noneWaiting) : intl.formatMessage(msg.noMatch)}
        columns={[
          {
            key: 'pick',
            title: '',
            width: 40,
            mobile: 'footer',
            render: (e) =>
              e.state === 'pending' ? (
                <Checkbox
                  label={phone ? intl.formatMessage(msg.selectForApproval) : undefined}
                  aria-label={intl.formatMessage(msg.selectRow, { customer: e.tenant.name, month: formatMonth(e.period) })}
                  checked={selected.has(e.id)}
                  onClick={(ev) => ev.stopPropagation()}
                  onChange={() => toggle(e.id)}
                />
              ) : null,
          },
          { key: 'partner', title: intl.formatMessage(msg.partner), mobile: 'title', sortValue: (e) => e.partner?.name, render: (e) => e.partner?.name ?? '—' },
          { key: 'customer', title: intl.formatMessage(msg.customer), sortValue: (e) => e.tenant.name, render: (e) => e.tenant.name },
          { key: 'period', title: intl.formatMessage(msg.month), sortValue: (e) => e.period, render: (e) => formatMonth(e.period), style: { whiteSpace: 'nowrap' } },
          {
            key: 'what',
            title: intl.formatMessage(msg.forWhat),
            render: (e) =>
              e.kind === 'clawback' ? (
                <Text size="sm" c="red.9" fw={500}>
                  {lineWords(intl, e)}
                </Text>
              ) : (
                lineWords(intl, e)
              ),
          },
          { key: 'amount', title: intl.formatMessage(msg.commission), align: 'right', sortValue: (e) => e.amount_minor, render: (e) => formatMoney(e.amount_minor, e.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'state', title: intl.formatMessage(msg.state), render: (e) => <EarningStateBadge state={e.state} /> },
        ]}
      />
      <EarningLineDetail line={open} onClose={() => setOpen(null)} />
      {list.data && list.data.total > items.length && <ShowingSome shown={items.length} total={list.data.total} />}
    </Stack>
  );
}

function sumByCurrency(items: Earning[]): string {
  const by = new Map<string, number>();
  for (const e of items) by.set(e.currency, (by.get(e.currency) ?? 0) + e.amount_minor);
  return [...by].map(([c, v]) => formatMoney(v, c)).join(' + ');
}

/** The list shows the first rows only. */
function ShowingSome({ shown, total }: { shown: number; total: number }) {
  return (
    <Text size="xs" c="dimmed">
      <FormattedMessage
        id="program.operator.earnings.showing"
        defaultMessage="Showing {shown} of {total}. Choose a partner or a state to narrow the list."
        values={{ shown, total }}
      />
    </Text>
  );
}

function EarningsExplained() {
  return (
    <Text size="sm" c="dimmed">
      <FormattedMessage
        id="program.operator.earnings.explained"
        defaultMessage="Earnings are computed from referred customers’ paid invoices under each partner’s agreement: one commission per customer and month of payment, and a bounty per qualified sign-up. Approve the ones that are correct; approved earnings are paid with the next payout. A refund after a payout becomes a negative line that the next payout takes back."
      />
    </Text>
  );
}

/** What the payout form would pay the partner, in words. */
function PayoutDue({ row }: { row: ProgramPartnerRow }) {
  return (
    <>
      {row.payout_due_minor > 0 ? (
        row.clawback_minor < 0 ? (
          <FormattedMessage
            id="program.operator.payout.due_less_refunds"
            defaultMessage="Due to {partner}: <b>{amount}</b> — approved earnings less {refunds} taken back for refunds after an earlier payout."
            values={{
              partner: row.partner.name,
              amount: formatMoney(row.payout_due_minor, row.currency),
              refunds: formatMoney(-row.clawback_minor, row.currency),
              b: (chunks) => <b>{chunks}</b>,
            }}
          />
        ) : (
          <FormattedMessage
            id="program.operator.payout.due"
            defaultMessage="Due to {partner}: <b>{amount}</b>."
            values={{ partner: row.partner.name, amount: formatMoney(row.payout_due_minor, row.currency), b: (chunks) => <b>{chunks}</b> }}
          />
        )
      ) : row.clawback_minor < 0 && row.approved_minor > 0 ? (
        <FormattedMessage
          id="program.operator.payout.refunds_take_all"
          defaultMessage="Refunds after an earlier payout ({refunds}) take back all that is approved for {partner}: nothing is paid until new earnings exceed them."
          values={{ refunds: formatMoney(-row.clawback_minor, row.currency), partner: row.partner.name }}
        />
      ) : (
        <FormattedMessage
          id="program.operator.payout.nothing_due"
          defaultMessage="{partner} has no approved, unpaid earnings. Approve earnings first."
          values={{ partner: row.partner.name }}
        />
      )}
    </>
  );
}

// ---- payouts -------------------------------------------------------------------------------------

function PayoutsTab(props: TabProps & { rows: ProgramPartnerRow[] }) {
  const intl = useIntl();
  const { partnerId, rows } = props;
  const payouts = useApiQuery(programKeys.op.payouts(partnerId), () => programApi.payouts(partnerId ?? undefined));
  const row = rows.find((r) => r.partner.id === partnerId);
  const record = useApiMutation(programApi.recordPayout, {
    success: (p) => intl.formatMessage(msg.payoutRecorded, { amount: formatMoney(p.amount_minor, p.currency), partner: p.partner.name, count: p.lines }),
    invalidates: [programKeys.all],
  });
  const today = new Date().toISOString().slice(0, 10);
  const form = useApiForm(
    {
      initialValues: { reference: '', paid_date: today },
      validate: {
        reference: (v: string) => required(v, intl.formatMessage(msg.referenceRequired)),
        paid_date: (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : intl.formatMessage(msg.dateRequired)),
      },
    },
    record,
  );
  const [confirm, setConfirm] = useState(false);
  const send = async (v: { reference: string; paid_date: string }) => {
    const r = await record.run({ partner_id: partnerId!, reference: v.reference.trim(), paid_date: v.paid_date });
    setConfirm(false);
    if (r) form.reset();
  };

  return (
    <Stack gap="lg">
      <Stack gap="sm" maw={720}>
        <Title order={3} size="h4">
          <FormattedMessage id="program.operator.payout.heading" defaultMessage="Record a payout" />
        </Title>
        <Text size="sm" c="dimmed">
          <FormattedMessage
            id="program.operator.payout.explained"
            defaultMessage="After you have sent the money, record it here: every approved, unpaid earning of the partner is marked paid with this payout, less any refund taken back after an earlier payout."
          />
        </Text>
        <form noValidate onSubmit={form.submit(() => setConfirm(true))}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select label={intl.formatMessage(msg.partner)} placeholder={intl.formatMessage(msg.choosePartner)} data={props.options} value={partnerId} onChange={props.setPartnerId} allowDeselect={false} searchable withAsterisk />
              <TextInput label={intl.formatMessage(msg.reference)} placeholder={intl.formatMessage(msg.referencePlaceholder)} withAsterisk {...form.getInputProps('reference')} />
              <TextInput label={intl.formatMessage(msg.paidOn)} type="date" withAsterisk {...form.getInputProps('paid_date')} />
            </SimpleGrid>
            {row && (
              <Text size="sm" data-testid="payout-due">
                <PayoutDue row={row} />
              </Text>
            )}
            <ErrorAlert error={record.error} title={intl.formatMessage(msg.payoutFailed)}
              labels={{ reference: intl.formatMessage(msg.reference), paid_date: intl.formatMessage(msg.paidOn), partner_id: intl.formatMessage(msg.partner) }} />
            <Group>
              <Button type="submit" disabled={!row || row.payout_due_minor <= 0} leftSection={<IconCash size={16} />}>
                {intl.formatMessage(msg.recordPayout)}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={intl.formatMessage(msg.confirmTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage
              id="program.operator.payout.confirm"
              defaultMessage="{amount} to {partner}, reference “{reference}”, paid on {date}. The partner sees these earnings as paid."
              values={{
                amount: row ? formatMoney(row.payout_due_minor, row.currency) : '',
                partner: row?.partner.name,
                reference: form.values.reference,
                date: formatDay(form.values.paid_date),
              }}
            />
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              <FormattedMessage id="program.operator.payout.cancel" defaultMessage="Cancel" />
            </Button>
            <Button loading={record.busy} onClick={() => void send(form.values)}>
              {intl.formatMessage(msg.recordPayout)}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <div>
        <Title order={3} size="h4" mb="xs">
          {row ? (
            <FormattedMessage id="program.operator.payouts.heading_for" defaultMessage="Payouts recorded for {partner}" values={{ partner: row.partner.name }} />
          ) : (
            <FormattedMessage id="program.operator.payouts.heading" defaultMessage="Payouts recorded" />
          )}
        </Title>
        <ErrorAlert error={payouts.error} />
        <DataTable
          testId="payouts-table"
          records={payouts.data?.items}
          loading={payouts.loading}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ 'data-reference': p.reference })}
          empty={intl.formatMessage(msg.payoutsEmpty)}
          defaultSort={{ key: 'paid', direction: 'desc' }}
          columns={[
            { key: 'partner', title: intl.formatMessage(msg.partner), mobile: 'title', sortValue: (p) => p.partner.name, render: (p) => p.partner.name },
            { key: 'amount', title: intl.formatMessage(msg.amount), align: 'right', sortValue: (p) => p.amount_minor, render: (p) => formatMoney(p.amount_minor, p.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'reference', title: intl.formatMessage(msg.referenceCol), render: (p) => p.reference },
            { key: 'paid', title: intl.formatMessage(msg.paidOn), sortValue: (p) => p.paid_date, render: (p) => formatDay(p.paid_date), style: { whiteSpace: 'nowrap' } },
            { key: 'lines', title: intl.formatMessage(msg.lines), align: 'right', render: (p) => p.lines },
            { key: 'recorded', title: intl.formatMessage(msg.recorded), render: (p) => formatDateTime(p.created_at) },
          ]}
        />
      </div>
    </Stack>
  );
}

