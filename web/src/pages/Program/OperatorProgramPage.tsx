/**
 * The operator's partner program console: per-partner and platform totals, agreements to draft and approve,
 * earnings to approve, payouts to record. Tabs carry a badge with what waits for the operator.
 */
import { useMemo, useState } from 'react';
import { useMediaQuery } from '@mantine/hooks';
import { Badge, Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconCash, IconChartBar, IconCheck, IconFileText, IconReceipt, IconRefresh } from '@tabler/icons-react';
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
import { formatDay, formatMoney, formatMoneyShort, formatMonth, lineWords, MONTH_SERIES, monthRows } from './programFormat.ts';
import { PartnerPicker, type TabProps } from './ProgramPartnerPicker.tsx';
import { AgreementsTab } from './OperatorAgreementsTab.tsx';
import { programKeys } from '../../api/keys/program.ts';

const WAITING_LABEL = { sign: 'Partner to sign', approve: 'Needs your approval' } as const;

function CountBadge({ n, color = 'red' }: { n: number; color?: string }) {
  if (!n) return null;
  return (
    <Badge size="sm" circle color={color} ml={4}>
      {n}
    </Badge>
  );
}

export function OperatorProgramPage() {
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
        title="Partner programs"
        description="Referral partners and what they earn: draft and approve their agreements, approve computed earnings and record payouts."
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview" leftSection={<IconChartBar size={16} />}>
            Overview
          </Tabs.Tab>
          <Tabs.Tab value="agreements" leftSection={<IconFileText size={16} />} rightSection={<CountBadge n={toApprove} />} data-testid="tab-agreements">
            Agreements
          </Tabs.Tab>
          <Tabs.Tab value="earnings" leftSection={<IconReceipt size={16} />} rightSection={<CountBadge n={pendingCount} color="yellow" />} data-testid="tab-earnings">
            Earnings
          </Tabs.Tab>
          <Tabs.Tab value="payouts" leftSection={<IconCash size={16} />}>
            Payouts
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
  const totals = useApiQuery(programKeys.op.totals, () => programApi.totals());
  const cur = totals.data?.currency ?? rows[0]?.currency ?? 'EUR';
  return (
    <Stack gap="lg">
      <ErrorAlert error={error ?? totals.error} />
      <Chart
        title="Earnings across all partners, by month"
        kind="bar"
        stacked
        loading={totals.loading}
        data={monthRows(totals.data?.by_month ?? [])}
        dataKey="month"
        series={MONTH_SERIES}
        valueFormatter={(v) => formatMoneyShort(v, cur)}
          tableFormatter={(v) => formatMoney(v, cur)}
        empty="No earnings computed yet."
      />
      <DataTable
        testId="program-partners"
        records={rows}
        loading={loading}
        rowKey={(r) => r.partner.id}
        rowProps={(r) => ({ 'data-partner': r.partner.name })}
        empty="No referral partners yet. Grant a partner the referral capability to start its program."
        defaultSort={{ key: 'partner', direction: 'asc' }}
        columns={[
          {
            key: 'partner',
            title: 'Partner',
            mobile: 'title',
            sortValue: (r) => r.partner.name,
            render: (r) => (
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {r.partner.name}
                </Text>
                {r.waiting && (
                  <Badge size="sm" color={r.waiting === 'approve' ? 'red' : 'yellow'} variant="light" data-waiting={r.waiting}>
                    {WAITING_LABEL[r.waiting]}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'signups', title: 'Sign-ups', align: 'right', sortValue: (r) => r.sign_ups, render: (r) => r.sign_ups },
          { key: 'customers', title: 'Customers', align: 'right', sortValue: (r) => r.referred_tenants, render: (r) => r.referred_tenants },
          { key: 'pending', title: 'Pending', align: 'right', sortValue: (r) => r.pending_minor, render: (r) => formatMoney(r.pending_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'approved', title: 'To pay', align: 'right', sortValue: (r) => r.approved_minor, render: (r) => formatMoney(r.approved_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'paid', title: 'Paid', align: 'right', sortValue: (r) => r.paid_minor, render: (r) => formatMoney(r.paid_minor, r.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'agreement', title: 'Agreement', render: (r) => (r.current_agreement_version ? `Version ${r.current_agreement_version}` : <Text size="sm" c="dimmed">None in force</Text>) },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (r) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="light" onClick={() => open('agreements', r.partner.id)}>
                  Agreements
                </Button>
                <Button size="xs" variant="default" onClick={() => open('earnings', r.partner.id)}>
                  Earnings
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
  return (
    <Select
      label="State"
      placeholder="All states"
      clearable
      w={{ base: '100%', sm: 200 }}
      data={[
        { value: 'pending', label: 'Pending approval' },
        { value: 'approved', label: 'Approved, not paid yet' },
        { value: 'paid', label: 'Paid' },
        { value: 'reversed', label: 'Reversed (refund)' },
      ]}
      value={value}
      onChange={onChange}
    />
  );
}

function EarningsTab(props: TabProps) {
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
    success: (r) => `${r.approved} earning${r.approved === 1 ? '' : 's'} approved. They are paid with the partner’s next payout.`,
    onDone: () => setSelected(new Set()),
    notifyError: true,
    invalidates: [programKeys.all],
  });
  const compute = useApiMutation(() => programApi.compute(), {
    success: (r) => `Earnings computed: ${r.created} new, ${r.updated} recalculated, ${r.reversed} reversed, ${r.unchanged} unchanged.`,
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
          <PartnerPicker {...props} clearable placeholder="All partners" />
          <EarningStateSelect
            value={state}
            onChange={(v) => {
              setState(v);
              setSelected(new Set());
            }}
          />
        </Group>
        <Button variant="default" leftSection={<IconRefresh size={16} />} loading={compute.busy} onClick={() => void compute.run()}>
          Compute earnings now
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Earnings are computed from referred customers’ paid invoices under each partner’s agreement: one commission per customer and month of payment,
        and a bounty per qualified sign-up. Approve the ones that are correct; approved earnings are paid with the next payout. A refund after a payout
        becomes a negative line that the next payout takes back.
      </Text>
      <ErrorAlert error={list.error} />
      {approvable.length > 0 && (
        <Group justify="space-between" wrap="wrap">
          <Checkbox
            label={allPicked ? 'Unselect all' : `Select all ${approvable.length} pending`}
            checked={allPicked}
            indeterminate={picked.length > 0 && !allPicked}
            onChange={() => setSelected(allPicked ? new Set() : new Set(approvable.map((e) => e.id)))}
          />
          <Button leftSection={<IconCheck size={16} />} disabled={picked.length === 0} loading={approve.busy} onClick={() => void approve.run()}>
            {picked.length === 0 ? 'Approve selected' : `Approve ${picked.length} (${pickedTotal})`}
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
        empty={state === 'pending' ? 'No earnings wait for approval.' : 'No earnings match.'}
        columns={[
          {
            key: 'pick',
            title: '',
            width: 40,
            mobile: 'footer',
            render: (e) =>
              e.state === 'pending' ? (
                <Checkbox
                  label={phone ? 'Select for approval' : undefined}
                  aria-label={`Select ${e.tenant.name}, ${formatMonth(e.period)}`}
                  checked={selected.has(e.id)}
                  onClick={(ev) => ev.stopPropagation()}
                  onChange={() => toggle(e.id)}
                />
              ) : null,
          },
          { key: 'partner', title: 'Partner', mobile: 'title', sortValue: (e) => e.partner?.name, render: (e) => e.partner?.name ?? '—' },
          { key: 'customer', title: 'Customer', sortValue: (e) => e.tenant.name, render: (e) => e.tenant.name },
          { key: 'period', title: 'Month', sortValue: (e) => e.period, render: (e) => formatMonth(e.period), style: { whiteSpace: 'nowrap' } },
          {
            key: 'what',
            title: 'For',
            render: (e) =>
              e.kind === 'clawback' ? (
                <Text size="sm" c="red.9" fw={500}>
                  {lineWords(e)}
                </Text>
              ) : (
                lineWords(e)
              ),
          },
          { key: 'amount', title: 'Commission', align: 'right', sortValue: (e) => e.amount_minor, render: (e) => formatMoney(e.amount_minor, e.currency), style: { whiteSpace: 'nowrap' } },
          { key: 'state', title: 'State', render: (e) => <EarningStateBadge state={e.state} /> },
        ]}
      />
      <EarningLineDetail line={open} onClose={() => setOpen(null)} />
      {list.data && list.data.total > items.length && (
        <Text size="xs" c="dimmed">
          Showing {items.length} of {list.data.total}. Choose a partner or a state to narrow the list.
        </Text>
      )}
    </Stack>
  );
}

function sumByCurrency(items: Earning[]): string {
  const by = new Map<string, number>();
  for (const e of items) by.set(e.currency, (by.get(e.currency) ?? 0) + e.amount_minor);
  return [...by].map(([c, v]) => formatMoney(v, c)).join(' + ');
}

// ---- payouts -------------------------------------------------------------------------------------

function PayoutsTab(props: TabProps & { rows: ProgramPartnerRow[] }) {
  const { partnerId, rows } = props;
  const payouts = useApiQuery(programKeys.op.payouts(partnerId), () => programApi.payouts(partnerId ?? undefined));
  const row = rows.find((r) => r.partner.id === partnerId);
  const record = useApiMutation(programApi.recordPayout, {
    success: (p) => `Payout of ${formatMoney(p.amount_minor, p.currency)} to ${p.partner.name} recorded; ${p.lines} earning${p.lines === 1 ? ' is' : 's are'} now paid.`,
    invalidates: [programKeys.all],
  });
  const today = new Date().toISOString().slice(0, 10);
  const form = useApiForm(
    {
      initialValues: { reference: '', paid_date: today },
      validate: {
        reference: (v: string) => required(v, 'Enter the bank transfer’s reference, so the partner can match it.'),
        paid_date: (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'Enter the date the money was sent.'),
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
        <Title order={4}>Record a payout</Title>
        <Text size="sm" c="dimmed">
          After you have sent the money, record it here: every approved, unpaid earning of the partner is marked paid with this payout, less any refund taken back after an
          earlier payout.
        </Text>
        <form noValidate onSubmit={form.submit(() => setConfirm(true))}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select label="Partner" placeholder="Choose a partner" data={props.options} value={partnerId} onChange={props.setPartnerId} allowDeselect={false} searchable withAsterisk />
              <TextInput label="Payment reference" placeholder="e.g. SEPA-2026-03-014" withAsterisk {...form.getInputProps('reference')} />
              <TextInput label="Paid on" type="date" withAsterisk {...form.getInputProps('paid_date')} />
            </SimpleGrid>
            {row && (
              <Text size="sm" data-testid="payout-due">
                {row.payout_due_minor > 0 ? (
                  <>
                    Due to {row.partner.name}: <b>{formatMoney(row.payout_due_minor, row.currency)}</b>
                    {row.clawback_minor < 0 ? <> — approved earnings less {formatMoney(-row.clawback_minor, row.currency)} taken back for refunds after an earlier payout</> : null}.
                  </>
                ) : row.clawback_minor < 0 && row.approved_minor > 0 ? (
                  <>
                    Refunds after an earlier payout ({formatMoney(-row.clawback_minor, row.currency)}) take back all that is approved for {row.partner.name}: nothing is paid until new earnings
                    exceed them.
                  </>
                ) : (
                  <>{row.partner.name} has no approved, unpaid earnings. Approve earnings first.</>
                )}
              </Text>
            )}
            <ErrorAlert error={record.error} title="The payout was not recorded" labels={{ reference: 'Payment reference', paid_date: 'Paid on', partner_id: 'Partner' }} />
            <Group>
              <Button type="submit" disabled={!row || row.payout_due_minor <= 0} leftSection={<IconCash size={16} />}>
                Record payout
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
      <Modal opened={confirm} onClose={() => setConfirm(false)} title="Record this payout?">
        <Stack>
          <Text size="sm">
            {row ? formatMoney(row.payout_due_minor, row.currency) : ''} to {row?.partner.name}, reference “{form.values.reference}”, paid on {formatDay(form.values.paid_date)}. The
            partner sees these earnings as paid.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              Cancel
            </Button>
            <Button loading={record.busy} onClick={() => void send(form.values)}>
              Record payout
            </Button>
          </Group>
        </Stack>
      </Modal>
      <div>
        <Title order={4} mb="xs">
          Payouts recorded{row ? ` for ${row.partner.name}` : ''}
        </Title>
        <ErrorAlert error={payouts.error} />
        <DataTable
          testId="payouts-table"
          records={payouts.data?.items}
          loading={payouts.loading}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ 'data-reference': p.reference })}
          empty="No payouts recorded yet."
          defaultSort={{ key: 'paid', direction: 'desc' }}
          columns={[
            { key: 'partner', title: 'Partner', mobile: 'title', sortValue: (p) => p.partner.name, render: (p) => p.partner.name },
            { key: 'amount', title: 'Amount', align: 'right', sortValue: (p) => p.amount_minor, render: (p) => formatMoney(p.amount_minor, p.currency), style: { whiteSpace: 'nowrap' } },
            { key: 'reference', title: 'Reference', render: (p) => p.reference },
            { key: 'paid', title: 'Paid on', sortValue: (p) => p.paid_date, render: (p) => formatDay(p.paid_date), style: { whiteSpace: 'nowrap' } },
            { key: 'lines', title: 'Earnings', align: 'right', render: (p) => p.lines },
            { key: 'recorded', title: 'Recorded', render: (p) => formatDateTime(p.created_at) },
          ]}
        />
      </div>
    </Stack>
  );
}

