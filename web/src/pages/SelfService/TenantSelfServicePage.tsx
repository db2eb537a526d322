/**
 * Customer self-service: a tenant's own admins and users see their orders, services,
 * invoices, tickets, usage and SLA — each order and ticket with who placed it (the partner's name
 * and the person's name and email when a partner acted for them). A tab shows only what the
 * member's role reads.
 */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Group, SimpleGrid, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { IconCash, IconClockExclamation, IconGauge, IconPlus, IconSearch, IconTicket } from '@tabler/icons-react';
import { ApiError } from '../../api/errors.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { selfApi, type Actor, type LinkCommitments, type Person, type ResourceLists } from '../../api/msp.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import type { SourceKind } from '../../api/dataSources.ts';
import { useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { api } from '../../api/index.ts';
import { CommitmentsPanel } from '../Msp/commitments.tsx';
import { OwnSubscribers } from '../Subscribers/SubscribersTable.tsx';
import { INVOICE_STATUS_WORDS, LabelBadge, METRIC_WORDS, ORDER_STATUS_WORDS, StatTile, TICKET_PRIORITY_WORDS, formatMoney, formatPct, formatPercent, formatPeriod, PCT2 } from '../Msp/shared.tsx';
import { NewOwnTicketModal, OWN_TICKET_STATUS, OwnInvoiceDrawer, OwnTicketDrawer } from './records.tsx';
import { CancelOrderButton, PlaceOrderModal, cancellable, orderLine } from './orders.tsx';
import { ConfirmationBadge, confirmationWords } from '../../components/WriteConfirmationNote.tsx';
import { selfRecordsApi, type OwnLists } from '../../api/selfService.ts';
import { auditKeys } from '../../api/keys/audit.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { selfKeys } from '../../api/keys/selfService.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { tabLabel, slaResult, m } from './TenantSelfServicePage.messages.ts';

const SLA_RESULT = { met: { label: slaResult.met, color: 'teal' }, breached: { label: slaResult.breached, color: 'red' } };

type What = 'orders' | 'services' | 'invoices' | 'tickets' | 'usage' | 'sla';
/** A row of one of the tenant's lists: from the self-service endpoint (people and names given), else from the resource API. */
type OwnRow<K extends What> = OwnLists[K][number] | ResourceLists[K][number];
/** who placed the order or opened the ticket, when the answer names them (the resource API does not) */
const placedBy = (o: OwnRow<'orders'>): Person | null => ('placed_by_person' in o ? (o.placed_by_person ?? null) : null);
const openedBy = (t: OwnRow<'tickets'>): Person | null => ('opened_by_person' in t ? (t.opened_by_person ?? null) : null);

/** The tenant's own list: the self-service endpoint when the server has it, else the resource API as a member. */
/** the freshness line above each tab of provider records (the invoices tab has its own) */
const TAB_KIND: Record<string, SourceKind> = { orders: 'orders', services: 'services', tickets: 'tickets', usage: 'usage', sla: 'sla', subscribers: 'subscribers' };

async function readOwn<K extends What>(tenantId: string, what: K): Promise<OwnRow<K>[]> {
  try {
    return (await selfRecordsApi.list(tenantId, what)).data;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  return (await selfApi.read(tenantId, what)).data;
}

function useOwn<K extends What>(tenantId: string, what: K, enabled: boolean) {
  return useApiQuery(selfKeys.list(tenantId, what), () => readOwn(tenantId, what), { enabled });
}

export function TenantSelfServicePage() {
  const view = useView();
  const t = view.tenant!;
  const tenantId = t.tenant_id;
  const can = (p: string) => allows(t, p);
  const intl = useIntl();
  const tabs = [
    { value: 'orders', label: tabLabel.orders, ok: can('orders.read') },
    { value: 'services', label: tabLabel.services, ok: can('services.read') },
    { value: 'invoices', label: tabLabel.invoices, ok: can('billing.invoices.read') },
    { value: 'tickets', label: tabLabel.tickets, ok: can('support.tickets.read') },
    { value: 'usage', label: tabLabel.usage, ok: can('reports.usage.read') },
    { value: 'sla', label: tabLabel.sla, ok: can('reports.sla.read') },
    { value: 'subscribers', label: tabLabel.subscribers, ok: can('services.subscribers.read') },
    { value: 'commitments', label: tabLabel.commitments, ok: can('tenant.delegations.read') },
  ].filter((x) => x.ok);
  // the open tab is in the address (?tab=invoices), so the home page's "See invoices" opens the invoices
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = tabs.some((x) => x.value === asked) ? asked : (tabs[0]?.value ?? null);
  const setTab = (v: string | null) => setParams(v ? { tab: v } : {}, { replace: true });
  // partner names for "placed by" when the server does not name the person
  const partners = useApiQuery(delegationKeys.tenantList(tenantId), () => delegationsApi.tenantList(tenantId), { enabled: can('tenant.delegations.read') });
  const partnerName = useMemo(() => new Map((partners.data?.data ?? []).map((d) => [d.partner.id, d.partner.name ?? intl.formatMessage(m.aPartner)])), [partners.data, intl]);
  const invoices = useOwn(tenantId, 'invoices', can('billing.invoices.read'));
  const tickets = useOwn(tenantId, 'tickets', can('support.tickets.read'));
  const sla = useOwn(tenantId, 'sla', can('reports.sla.read'));
  const owed = (invoices.data ?? []).filter((i) => i.status === 'open' || i.status === 'overdue');
  const currency = invoices.data?.[0]?.currency ?? 'USD';
  const slaRows = sla.data ?? [];
  const compliance = slaRows.length ? (100 * slaRows.filter((s) => s.status === 'met').length) / slaRows.length : null;

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { tenant: t.name })}
      />
      <Stack>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} data-testid="self-tiles">
          <StatTile label={intl.formatMessage(m.toPay)} icon={<IconCash size={18} />} color="teal" value={invoices.data ? formatMoney(owed.reduce((n, i) => n + i.balance_cents, 0), currency) : '—'} />
          <StatTile
            label={intl.formatMessage(m.overdue)}
            icon={<IconClockExclamation size={18} />}
            color="red"
            value={invoices.data ? formatMoney(owed.filter((i) => i.status === 'overdue').reduce((n, i) => n + i.balance_cents, 0), currency) : '—'}
          />
          <StatTile label={intl.formatMessage(m.openTickets)} icon={<IconTicket size={18} />} color="indigo" value={tickets.data ? tickets.data.filter((x) => ['open', 'in_progress', 'waiting_on_customer'].includes(x.status)).length : '—'} />
          <StatTile label={intl.formatMessage(m.slaMet)} icon={<IconGauge size={18} />} color="grape" value={formatPct(compliance)} hint={intl.formatMessage(m.slaHint)} />
        </SimpleGrid>
        {tabs.length === 0 ? (
          <Text c="dimmed">
            <FormattedMessage {...m.noTabs} />
          </Text>
        ) : (
          <Tabs value={tab} onChange={setTab} data-testid="self-tabs">
            <Tabs.List>
              {tabs.map((x) => (
                <Tabs.Tab key={x.value} value={x.value}>
                  {intl.formatMessage(x.label)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value={tab ?? ''} pt="md">
              {tab && TAB_KIND[tab] && <DataFreshness kind={TAB_KIND[tab]} tenantId={tenantId} />}
              {tab === 'orders' && <Orders tenantId={tenantId} partnerName={partnerName} may={{ create: can('orders.create'), cancel: can('orders.cancel'), accounts: can('tenant.billing_accounts.read') }} />}
              {tab === 'services' && <Services tenantId={tenantId} />}
              {tab === 'subscribers' && <OwnSubscribers tenantId={tenantId} />}
              {tab === 'invoices' && <Invoices tenantId={tenantId} rows={invoices.data} loading={invoices.loading} error={invoices.error} />}
              {tab === 'tickets' && (
                <Tickets
                  tenant={{ id: tenantId, name: t.name }}
                  meId={view.me.user.id}
                  may={{ create: can('support.tickets.create'), reply: can('support.tickets.update'), accounts: can('tenant.billing_accounts.read') }}
                  rows={tickets.data}
                  loading={tickets.loading}
                  error={tickets.error}
                  partnerName={partnerName}
                />
              )}
              {tab === 'usage' && <Usage tenantId={tenantId} />}
              {tab === 'sla' && <Sla tenantId={tenantId} canReadServices={can('services.read')} rows={sla.data} loading={sla.loading} error={sla.error} />}
              {tab === 'commitments' && <PartnerCommitments tenantId={tenantId} />}
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </>
  );
}

/** Who did it: the named person (and their partner), else the partner's name, else the tenant's own people. */
function Who({ person, actor, partnerName }: { person?: Person | null; actor: Actor; partnerName: Map<string, string> }) {
  const intl = useIntl();
  if (person) {
    return (
      <div data-testid="placed-by">
        <Text fz="inherit">{person.name}</Text>
        <Text size="xs" c="dimmed">
          {person.email}
          {person.partner_name ? ` · ${person.partner_name}` : ''}
        </Text>
      </div>
    );
  }
  if (actor.partner_id) {
    return (
      <Text fz="inherit" data-testid="placed-by">
        <FormattedMessage
          {...m.partnerTag}
          values={{
            partner: partnerName.get(actor.partner_id) ?? intl.formatMessage(m.aPartner),
            dim: (chunks) => (
              <Text span size="xs" c="dimmed">
                {chunks}
              </Text>
            ),
          }}
        />
      </Text>
    );
  }
  return (
    <Text fz="inherit" data-testid="placed-by">
      {intl.formatMessage(actor.type === 'app' ? m.anApp : m.yourTeam)}
    </Text>
  );
}

function SearchBox({ value, onChange, placeholder }: { value: string; onChange(v: string): void; placeholder: string }) {
  const intl = useIntl();
  return (
    <TextInput
      placeholder={placeholder}
      leftSection={<IconSearch size={14} />}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={{ base: '100%', sm: 280 }}
      aria-label={intl.formatMessage(m.search)}
    />
  );
}

function Orders({ tenantId, partnerName, may }: { tenantId: string; partnerName: Map<string, string>; may: { create: boolean; cancel: boolean; accounts: boolean } }) {
  const r = useOwn(tenantId, 'orders', true);
  const intl = useIntl();
  const [q, setQ] = useState('');
  const [placing, setPlacing] = useState(false);
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId), { enabled: may.create && may.accounts });
  const rows = (r.data ?? []).filter((o) => !q.trim() || `${o.product_name} ${placedBy(o)?.name ?? ''} ${placedBy(o)?.partner_name ?? ''}`.toLowerCase().includes(q.trim().toLowerCase()));
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <SearchBox value={q} onChange={setQ} placeholder={intl.formatMessage(m.productOrPerson)} />
        {may.create && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setPlacing(true)} data-testid="new-order">
            <FormattedMessage {...m.placeOrder} />
          </Button>
        )}
      </Group>
      <PlaceOrderModal tenantId={tenantId} opened={placing} accounts={(accounts.data?.data ?? []).filter((a) => a.status === 'active').map((a) => ({ id: a.id, label: `${a.name} (${a.account_number})` }))} onClose={() => setPlacing(false)} />
      <ErrorAlert error={r.error} />
      <DataTable
        testId="self-orders"
        records={rows}
        loading={r.loading}
        rowKey={(o) => o.id}
        rowProps={() => ({ 'data-row': '' })}
        defaultSort={{ key: 'at', direction: 'desc' }}
        empty={intl.formatMessage(m.noOrders)}
        columns={[
          { key: 'product', title: intl.formatMessage(m.colProduct), mobile: 'title', sortValue: (o) => o.product_name, render: (o) => orderLine(intl, o) },
          { key: 'total', title: intl.formatMessage(m.colTotal), align: 'right', sortValue: (o) => o.total_cents, render: (o) => formatMoney(o.total_cents, o.currency) },
          { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (o) => o.status, render: (o) => (
              <Stack gap={2}>
                <Group gap={4}>
                  <LabelBadge value={o.status} map={ORDER_STATUS_WORDS} />
                  <ConfirmationBadge c={o.confirmation} />
                </Group>
                {o.confirmation && o.confirmation.state !== 'confirmed' && <Text size="xs">{confirmationWords(o.confirmation)}</Text>}
              </Stack>
            ),
          },
          { key: 'by', title: intl.formatMessage(m.colPlacedBy), render: (o) => <Who person={placedBy(o)} actor={o.placed_by} partnerName={partnerName} /> },
          { key: 'at', title: intl.formatMessage(m.colPlaced), sortValue: (o) => o.created_at, render: (o) => formatDate(o.created_at) },
          ...(may.cancel ? [{ key: 'cancel', title: intl.formatMessage(m.colActions), render: (o: OwnRow<'orders'>) => (cancellable(o) ? <CancelOrderButton tenantId={tenantId} order={o} /> : null) }] : []),
        ]}
      />
    </Stack>
  );
}

function Services({ tenantId }: { tenantId: string }) {
  const r = useOwn(tenantId, 'services', true);
  const intl = useIntl();
  return (
    <>
      <ErrorAlert error={r.error} />
      <DataTable
        testId="self-services"
        records={r.data}
        loading={r.loading}
        rowKey={(s) => s.id}
        empty={intl.formatMessage(m.noServices)}
        columns={[
          { key: 'name', title: intl.formatMessage(m.colService), mobile: 'title', sortValue: (s) => s.name, render: (s) => s.name },
          { key: 'where', title: intl.formatMessage(m.colLocation), render: (s) => s.location ?? '—' },
          { key: 'speed', title: intl.formatMessage(m.colBandwidth), render: (s) => (s.bandwidth_mbps ? intl.formatMessage(m.mbps, { mbps: s.bandwidth_mbps }) : '—') },
          { key: 'price', title: intl.formatMessage(m.colPerMonth), align: 'right', sortValue: (s) => s.monthly_price_cents, render: (s) => formatMoney(s.monthly_price_cents, s.currency) },
          { key: 'since', title: intl.formatMessage(m.colActiveSince), render: (s) => formatDate(s.activated_at) },
        ]}
      />
    </>
  );
}

function Invoices({ tenantId, rows, loading, error }: { tenantId: string; rows?: OwnRow<'invoices'>[]; loading: boolean; error: unknown }) {
  const [open, setOpen] = useState<string | null>(null);
  const intl = useIntl();
  return (
    <>
      <DataFreshness kind="invoices" tenantId={tenantId} />
      <Text size="sm" c="dimmed">
        <FormattedMessage {...m.invoicesHelp} />
      </Text>
      <ErrorAlert error={error} />
      <DataTable
        testId="self-invoices"
        records={rows}
        loading={loading}
        rowKey={(i) => i.id}
        onRowClick={(i) => setOpen(i.id)}
        rowProps={(i) => ({ 'data-number': i.number, 'data-row': '' })}
        defaultSort={{ key: 'period', direction: 'desc' }}
        empty={intl.formatMessage(m.noInvoices)}
        columns={[
          { key: 'number', title: intl.formatMessage(m.colInvoice), mobile: 'title', sortValue: (i) => i.number, render: (i) => i.number },
          { key: 'period', title: intl.formatMessage(m.colMonth), sortValue: (i) => i.period, render: (i) => formatPeriod(i.period) },
          { key: 'due', title: intl.formatMessage(m.colDue), sortValue: (i) => i.due_at, render: (i) => formatDate(i.due_at) },
          { key: 'total', title: intl.formatMessage(m.colTotal), align: 'right', sortValue: (i) => i.total_cents, render: (i) => formatMoney(i.total_cents, i.currency) },
          { key: 'balance', title: intl.formatMessage(m.colToPay), align: 'right', sortValue: (i) => i.balance_cents, render: (i) => formatMoney(i.balance_cents, i.currency) },
          { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (i) => i.status, render: (i) => <LabelBadge value={i.status} map={INVOICE_STATUS_WORDS} /> },
        ]}
      />
      <OwnInvoiceDrawer tenantId={tenantId} invoiceId={open} onClose={() => setOpen(null)} />
    </>
  );
}

function Tickets({
  tenant,
  meId,
  may,
  rows,
  loading,
  error,
  partnerName,
}: {
  tenant: { id: string; name: string };
  meId: string;
  may: { create: boolean; reply: boolean; accounts: boolean };
  rows?: OwnRow<'tickets'>[];
  loading: boolean;
  error: unknown;
  partnerName: Map<string, string>;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const intl = useIntl();
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenant.id), () => api.tenants.billingAccounts(tenant.id), { enabled: may.accounts });
  const accountNames = useMemo(() => new Map((accounts.data?.data ?? []).map((a) => [a.id, `${a.name} (${a.account_number})`])), [accounts.data]);
  const waiting = (rows ?? []).filter((x) => x.status === 'waiting_on_customer').length;
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed" style={{ flex: '1 1 240px' }}>
          {waiting > 0 ? `${intl.formatMessage(m.ticketsWaiting, { count: waiting })} ` : ''}
          {intl.formatMessage(m.ticketsHelp, { reply: may.reply ? 'yes' : 'no' })}
        </Text>
        {may.create && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="new-ticket">
            <FormattedMessage {...m.openTicket} />
          </Button>
        )}
      </Group>
      <ErrorAlert error={error} />
      <DataTable
        testId="self-tickets"
        records={rows}
        loading={loading}
        rowKey={(x) => x.id}
        onRowClick={(x) => setOpen(x.id)}
        rowProps={(x) => ({ 'data-number': x.number, 'data-row': '' })}
        defaultSort={{ key: 'updated', direction: 'desc' }}
        empty={intl.formatMessage(m.noTickets)}
        columns={[
          { key: 'subject', title: intl.formatMessage(m.colTicket), mobile: 'title', sortValue: (x) => x.subject, render: (x) => `${x.subject} · ${x.number}` },
          { key: 'priority', title: intl.formatMessage(m.colPriority), width: 100, render: (x) => <LabelBadge value={x.priority} map={TICKET_PRIORITY_WORDS} /> },
          { key: 'status', title: intl.formatMessage(m.colStatus), width: 150, sortValue: (x) => x.status, render: (x) => (
              <Group gap={4}>
                <LabelBadge value={x.status} map={OWN_TICKET_STATUS} />
                <ConfirmationBadge c={x.confirmation} />
              </Group>
            ),
          },
          { key: 'by', title: intl.formatMessage(m.colOpenedBy), render: (x) => <Who person={openedBy(x)} actor={x.opened_by} partnerName={partnerName} /> },
          { key: 'updated', title: intl.formatMessage(m.colLastChange), sortValue: (x) => x.updated_at, render: (x) => formatDateTime(x.updated_at) },
        ]}
      />
      <OwnTicketDrawer tenantId={tenant.id} tenantName={tenant.name} ticketId={open} meId={meId} mayReply={may.reply} accounts={accountNames} onClose={() => setOpen(null)} />
      <NewOwnTicketModal
        tenantId={tenant.id}
        opened={creating}
        accounts={(accounts.data?.data ?? []).filter((a) => a.status === 'active').map((a) => ({ id: a.id, label: `${a.name} (${a.account_number})` }))}
        onClose={() => setCreating(false)}
        onDone={(x) => {
          setCreating(false);
          setOpen(x.id);
        }}
      />
    </Stack>
  );
}

function Usage({ tenantId }: { tenantId: string }) {
  const r = useOwn(tenantId, 'usage', true);
  const intl = useIntl();
  const series = useMemo(() => {
    const byPeriod = new Map<string, Record<string, string | number>>();
    for (const u of r.data ?? []) {
      const x = byPeriod.get(u.period) ?? { period: u.period, month: formatPeriod(u.period), data_gb: 0, voice_minutes: 0, sms_count: 0 };
      x[u.metric] = Math.round(((x[u.metric] as number) ?? 0) + u.quantity);
      byPeriod.set(u.period, x);
    }
    return [...byPeriod.values()].sort((a, b) => String(a.period).localeCompare(String(b.period)));
  }, [r.data]);
  return (
    <Stack>
      <ErrorAlert error={r.error} />
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {Object.entries(METRIC_WORDS).map(([k, w]) => {
          const unit = intl.formatMessage(w.unit);
          return (
            <Chart
              key={k}
              title={intl.formatMessage(m.perMonth, { metric: intl.formatMessage(w.label) })}
              description={unit}
              kind="bar"
              loading={r.loading}
              data={series}
              dataKey="month"
              series={[{ name: k, label: unit, color: 'blue.6' }]}
              empty={intl.formatMessage(m.noUsage)}
            />
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}

function Sla({ tenantId, canReadServices, rows, loading, error }: { tenantId: string; canReadServices: boolean; rows?: OwnRow<'sla'>[]; loading: boolean; error: unknown }) {
  // a month has one record per service: each row names its service, from the organization's own services
  const services = useOwn(tenantId, 'services', canReadServices);
  const intl = useIntl();
  const serviceName = new Map((services.data ?? []).map((x) => [x.id, x.name]));
  // until the services have loaded, a row's service is not yet known: not "no longer listed"
  const unnamed = intl.formatMessage(!canReadServices ? m.serviceHidden : services.data ? m.serviceGone : m.serviceLoading);
  const serviceOf = (s: OwnRow<'sla'>) => (s.service_id ? (serviceName.get(s.service_id) ?? unnamed) : intl.formatMessage(m.allServices));
  return (
    <>
      <ErrorAlert error={error} />
      <DataTable
        testId="self-sla"
        records={rows}
        loading={loading}
        rowKey={(s) => s.id}
        defaultSort={{ key: 'period', direction: 'desc' }}
        empty={intl.formatMessage(m.noSla)}
        columns={[
          { key: 'period', title: intl.formatMessage(m.colMonth), mobile: 'title', sortValue: (s) => s.period, render: (s) => formatPeriod(s.period) },
          { key: 'service', title: intl.formatMessage(m.colService), sortValue: (s) => serviceOf(s), render: (s) => serviceOf(s) },
          { key: 'achieved', title: intl.formatMessage(m.colAvailability), align: 'right', sortValue: (s) => s.achieved_pct, render: (s) => formatPercent(s.achieved_pct, PCT2) },
          { key: 'target', title: intl.formatMessage(m.colAgreed), align: 'right', render: (s) => formatPercent(s.target_pct, PCT2) },
          { key: 'down', title: intl.formatMessage(m.colDowntime), align: 'right', render: (s) => intl.formatMessage(m.minutes, { minutes: s.downtime_minutes }) },
          { key: 'status', title: intl.formatMessage(m.colResult), render: (s) => <LabelBadge value={s.status} map={SLA_RESULT} /> },
        ]}
      />
    </>
  );
}

/** What each partner with access committed to: service levels, alerts, billing threshold — and their changes. */
function PartnerCommitments({ tenantId }: { tenantId: string }) {
  const r = useApiQuery(selfKeys.commitments(tenantId), () => selfApi.commitments(tenantId));
  const history = useApiQuery(auditKeys.commitmentsHistory('tenant', tenantId), () => api.tenants.audit(tenantId, { action: 'link.commitments_changed', limit: 50 }).catch(() => null));
  // the saved commitments show at once (the answer is the panel's new content); the history is read again
  const saved = (c: LinkCommitments) => {
    if (r.data) r.setData({ ...r.data, data: r.data.data.map((x) => (x.delegation_id === c.delegation_id ? c : x)) });
    history.reload();
  };
  return (
    <Stack>
      <ErrorAlert error={r.error} />
      {r.loading && (
        <Text c="dimmed">
          <FormattedMessage {...m.loadingCommitments} />
        </Text>
      )}
      {r.data && r.data.data.length === 0 && (
        <Text c="dimmed" data-testid="no-commitments">
          <FormattedMessage {...m.noCommitments} />
        </Text>
      )}
      {r.data?.data.map((c) => (
        <CommitmentsPanel
          key={c.delegation_id}
          c={c}
          side="tenant"
          history={(history.data?.data ?? []).filter((e) => e.target.id === c.delegation_id)}
          save={(body) => selfApi.setCommitments(tenantId, c.delegation_id, body)}
          onSaved={saved}
        />
      ))}
    </Stack>
  );
}
