/**
 * One managed customer, as the MSP works on it (its journey: customer → billing/tickets →
 * ticket on behalf → next customer): its figures, what the MSP may do there in plain words, the
 * billing accounts covered, and a tab per kind of data the access allows — invoices, tickets,
 * orders, services, SLA. Every request names this customer, and the server checks it against the
 * access the customer gave; a refusal (access ended, revoked) is shown in words.
 */
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { IconArrowRight, IconCash, IconClockExclamation, IconGauge, IconPlus, IconTicket } from '@tabler/icons-react';
import { delegationsApi } from '../../api/delegations.ts';
import { mspApi, type ResourceKind, type ResourcePage, type ResourceRecord, type Ticket } from '../../api/msp.ts';
import { Chart } from '../../components/charts/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { INVOICE_STATUS_WORDS, LabelBadge, ORDER_STATUS_WORDS, OPEN_TICKET_STATUSES, PersonText, StatTile, TICKET_PRIORITY_WORDS, TICKET_STATUS_WORDS, formatMoney, formatPct, formatPercent, formatPeriod, PCT2, PERMISSION_AREAS, useManagedCustomers, usePermissionWords } from './shared.tsx';
import { OpenTicketModal, TicketDrawer } from './tickets.tsx';
import { CommitmentsPanel } from './commitments.tsx';
import { api } from '../../api/index.ts';
import { useView } from '../../session/useView.ts';
import { can } from '../../session/access.ts';
import { RelationshipPanel } from '../Delegations/RelationshipPanel.tsx';
import { PartnerLinkLimitsPanel } from '../Delegations/LinkLimitsWords.tsx';
import { CustomerSubscribers } from '../Subscribers/SubscribersTable.tsx';
import { auditKeys } from '../../api/keys/audit.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { mspKeys } from '../../api/keys/msp.ts';
import { ConfirmationBadge } from '../../components/WriteConfirmationNote.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { m } from './CustomerDetailPage.messages.ts';

const SERVICE_STATUS = {
  active: { label: m.serviceActive, color: 'teal' },
  pending: { label: m.servicePending, color: 'blue' },
  suspended: { label: m.serviceSuspended, color: 'orange' },
  terminated: { label: m.serviceEnded, color: 'gray' },
};
const SLA_RESULT = { met: { label: m.met, color: 'teal' }, breached: { label: m.missed, color: 'red' } };


/** On a wide screen the switcher grows with the chosen customer's name (240 px at least, 420 at most): a long name is read whole. */
const SWITCHER_STYLES = { input: { fieldSizing: 'content', width: 'auto', minWidth: 240, maxWidth: 420 } } as const;

export function CustomerDetailPage() {
  const { customerId: tenantId = '' } = useParams();
  const navigate = useNavigate();
  const intl = useIntl();
  const roles = useDelegationRoles();
  const words = usePermissionWords();
  const customers = useManagedCustomers();
  const ctx = useApiQuery(mspKeys.context(tenantId), () => delegationsApi.context(tenantId));
  const detail = useApiQuery(mspKeys.customer(tenantId), () => delegationsApi.customer(tenantId), { enabled: !!ctx.data });
  const [opening, setOpening] = useState(false);

  const active = customers.rows.filter((r) => r.delegation.status === 'active').sort((a, b) => a.tenant.name.localeCompare(b.tenant.name));
  const me = customers.rows.find((r) => r.tenant.id === tenantId);
  const idx = active.findIndex((r) => r.tenant.id === tenantId);
  const next = active.length > 1 ? active[(idx + 1) % active.length] : null;
  const name = detail.data?.tenant.name ?? me?.tenant.name ?? intl.formatMessage(m.customer);
  const perms = ctx.data?.permissions ?? [];
  const has = (p: string) => perms.includes(p);
  const through = (me as { through_reseller?: unknown } | undefined)?.through_reseller ?? null;

  const phone = useMediaQuery('(max-width: 48em)');
  const switcher = (
    <Select
      aria-label={intl.formatMessage(m.switchCustomer)}
      placeholder={intl.formatMessage(m.switchCustomer)}
      searchable
      data={[...active.map((r) => ({ value: r.tenant.id, label: r.tenant.name })), ...(me || !ctx.error ? [] : [{ value: tenantId, label: intl.formatMessage(m.noActiveAccess) }])]}
      value={tenantId}
      onChange={(v) => v && navigate(`/partner/customers/${v}`)}
      w={phone ? '100%' : undefined}
      styles={phone ? undefined : SWITCHER_STYLES}
      data-testid="tenant-switcher"
      allowDeselect={false}
    />
  );

  if (ctx.error) {
    return (
      <>
        <PageHeader title={name} description={intl.formatMessage(m.aCustomer)} actions={switcher} />
        <Stack data-testid="active-context" data-state="refused" data-tenant={tenantId}>
          <Text>{intl.formatMessage(m.cannotWork)}</Text>
          <ErrorAlert error={ctx.error} />
          {me && <PartnerLinkLimitsPanel delegationId={me.delegation.id} customer={name} />}
          <Anchor component={Link} to="/partner/customers">
            <FormattedMessage {...m.back} />
          </Anchor>
        </Stack>
      </>
    );
  }

  const d = detail.data?.delegation;
  const fig = me?.metrics;
  const tabs = [
    { value: 'invoices', label: intl.formatMessage(m.invoices), ok: has('billing.invoices.read') },
    { value: 'tickets', label: intl.formatMessage(m.tickets), ok: has('support.tickets.read') },
    { value: 'orders', label: intl.formatMessage(m.orders), ok: has('orders.read') },
    { value: 'services', label: intl.formatMessage(m.services), ok: has('services.read') },
    { value: 'sla', label: intl.formatMessage(m.sla), ok: has('reports.sla.read') },
    { value: 'subscribers', label: intl.formatMessage(m.subscribers), ok: has('services.subscribers.read') },
  ].filter((t) => t.ok);

  return (
    <>
      <PageHeader
        title={name}
        description={d ? intl.formatMessage(m.description, { role: roles.name(d.role), date: formatDate(d.ends_at) }) : intl.formatMessage(m.loading)}
      />
      <Group gap="xs" wrap="wrap" mb="md">
            {switcher}
            {has('support.tickets.create') && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setOpening(true)}>
                <FormattedMessage {...m.openTicket} />
              </Button>
            )}
            {next && (
              <Button variant="default" rightSection={<IconArrowRight size={16} />} onClick={() => navigate(`/partner/customers/${next.tenant.id}`)} data-testid="next-customer">
                <FormattedMessage {...m.next} values={{ name: next.tenant.name }} />
              </Button>
            )}
          </Group>
      <Stack data-testid="active-context" data-state={ctx.data ? 'allowed' : 'loading'} data-tenant={tenantId}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          {/* only the figures this customer's access includes: a figure you may not see is absent, not $0.00 */}
          {has('billing.summary.read') && <StatTile label={intl.formatMessage(m.receivables)} icon={<IconCash size={18} />} color="teal" value={fig ? formatMoney(fig.outstanding_cents, fig.currency) : '—'} />}
          {has('billing.summary.read') && <StatTile label={intl.formatMessage(m.overdue)} icon={<IconClockExclamation size={18} />} color="red" value={fig ? formatMoney(fig.overdue_cents, fig.currency) : '—'} />}
          {has('support.tickets.read') && <StatTile label={intl.formatMessage(m.openTickets)} icon={<IconTicket size={18} />} color="indigo" value={fig?.open_tickets ?? '—'} />}
          {has('reports.sla.read') && <StatTile label={intl.formatMessage(m.slaCompliance)} icon={<IconGauge size={18} />} color="grape" value={formatPct(fig?.sla_compliance_pct)} />}
        </SimpleGrid>
        <NotIncluded customer={name} missing={ctx.data ? NOT_INCLUDED.filter((x) => !has(x.permission)).map((x) => intl.formatMessage(x.words)) : []} />
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Paper withBorder radius="md" p="md">
            <Text fw={600} size="sm" mb="xs">
              <FormattedMessage {...m.mayDo} />
            </Text>
            <Stack gap={6} data-testid="customer-permissions">
              {Object.entries(PERMISSION_AREAS)
                .map(([area, label]) => ({ label, items: perms.filter((p) => p.startsWith(`${area}.`)) }))
                .filter((g) => g.items.length > 0)
                .map((g) => (
                  <div key={g.label}>
                    <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                      {g.label}
                    </Text>
                    <Text size="sm">{g.items.map(words.word).join(' · ')}</Text>
                  </div>
                ))}
            </Stack>
          </Paper>
          <Paper withBorder radius="md" p="md" data-testid="customer-panel">
            <Text fw={600} size="sm" mb="xs">
              <FormattedMessage {...m.accounts} />
            </Text>
            {detail.data && (
              <Stack gap={4}>
                <Text size="xs" c="dimmed">
                  {ctx.data?.ban_ids === null ? intl.formatMessage(m.allAccounts) : intl.formatMessage(m.someAccounts, { count: detail.data.billing_accounts.length })}
                </Text>
                <Group gap={6}>
                  {detail.data.billing_accounts.map((b) => (
                    <Badge key={b.id} variant="light" tt="none">
                      {b.name} · {b.account_number}
                    </Badge>
                  ))}
                </Group>
              </Stack>
            )}
          </Paper>
        </SimpleGrid>
        {ctx.data && tabs.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="customer-data">
            <FormattedMessage {...m.noData} />
          </Text>
        )}
        {/* a reseller's link (a distributor reaches the customer through it): its commitments, limits and relationship details are the reseller's, not shown here */}
        {ctx.data && !through && <CustomerCommitments tenantId={tenantId} />}
        {d && !through && <PartnerLinkLimitsPanel delegationId={d.id} customer={name} />}
        {d && !through && <CustomerRelationship delegationId={d.id} customerName={name} open={d.status === 'active' || d.status === 'requested'} />}
        {tabs.length > 0 && <CustomerTabs tenantId={tenantId} tabs={tabs} canUpdate={has('support.tickets.update')} />}
      </Stack>
      <OpenTicketModal
        opened={opening}
        customers={active.map((r) => ({ id: r.tenant.id, name: r.tenant.name }))}
        tenantId={tenantId}
        onClose={() => setOpening(false)}
        onDone={() => setOpening(false)}
      />
    </>
  );
}

/** What the figures and tabs come from: a part the access does not include is said in words, not left as an empty page or a 0. */
const NOT_INCLUDED = [
  { permission: 'billing.summary.read', words: m.notIncludedBilling },
  { permission: 'support.tickets.read', words: m.notIncludedTickets },
  { permission: 'reports.sla.read', words: m.notIncludedSla },
];

function NotIncluded({ customer, missing }: { customer: string; missing: string[] }) {
  const intl = useIntl();
  if (missing.length === 0) return null;
  return (
    <Text size="sm" data-testid="not-included">
      {intl.formatMessage(m.notIncluded, { customer, what: intl.formatList(missing, { type: 'conjunction' }) })}
    </Text>
  );
}

/** The relationship details kept with this customer (contract reference, contacts, notes); the customer's admin keeps the same. */
function CustomerRelationship({ delegationId, customerName, open }: { delegationId: string; customerName: string; open: boolean }) {
  const view = useView();
  const partnerId = view.partner?.partner_id ?? '';
  return (
    <RelationshipPanel
      queryKey={delegationKeys.relationship('partner', partnerId, delegationId)}
      load={() => delegationsApi.relationship(partnerId, delegationId)}
      save={(body) => delegationsApi.setRelationship(partnerId, delegationId, body)}
      side="partner"
      counterpart={customerName}
      canEdit={open && can.partner('partner.delegations.manage')(view)}
    />
  );
}

/** The link's commitments with this customer, and their history (when the member may read the organization's log). */
function CustomerCommitments({ tenantId }: { tenantId: string }) {
  const partnerId = useView().partner?.partner_id ?? '';
  const r = useApiQuery(mspKeys.commitments(tenantId), () => mspApi.commitments(tenantId));
  const dlg = r.data?.delegation_id;
  const history = useApiQuery(auditKeys.commitmentsHistory('partner', partnerId, dlg), () => api.partners.audit(partnerId, { action: 'link.commitments_changed', target_id: dlg, limit: 10 }).catch(() => null), { enabled: !!dlg && !!partnerId });
  if (r.error) return <ErrorAlert error={r.error} />;
  if (!r.data)
    return (
      <Text size="sm" c="dimmed">
        <FormattedMessage {...m.loadingCommitments} />
      </Text>
    );
  return (
    <CommitmentsPanel
      c={r.data}
      side="partner"
      history={history.data?.data ?? null}
      save={(body) => mspApi.setCommitments(tenantId, body)}
      onSaved={(c) => {
        // the saved commitments show at once (the answer is the panel's new content); the history is read again
        r.setData(c);
        history.reload();
      }}
    />
  );
}

function CustomerTabs({ tenantId, tabs, canUpdate }: { tenantId: string; tabs: { value: string; label: string }[]; canUpdate: boolean }) {
  const [tab, setTab] = useState<string | null>(null);
  const current = tab && tabs.some((t) => t.value === tab) ? tab : tabs[0].value;
  return (
    <Tabs value={current} onChange={setTab} data-testid="customer-data">
      <Tabs.List>
        {tabs.map((t) => (
          <Tabs.Tab key={t.value} value={t.value}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value={current} pt="md">
        {current === 'invoices' && <CustomerInvoices tenantId={tenantId} />}
        {current === 'tickets' && <CustomerTickets tenantId={tenantId} canUpdate={canUpdate} />}
        {current === 'orders' && <CustomerOrders tenantId={tenantId} />}
        {current === 'services' && <CustomerServices tenantId={tenantId} />}
        {current === 'subscribers' && <CustomerSubscribers tenantId={tenantId} />}
        {current === 'sla' && <CustomerSla tenantId={tenantId} canReadServices={tabs.some((t) => t.value === 'services')} />}
      </Tabs.Panel>
    </Tabs>
  );
}

/** the customer's resources, read through the gateway as this customer */
function useResource<K extends ResourceKind>(tenantId: string, kind: K) {
  return useApiQuery(mspKeys.resource(tenantId, `/${kind}`), () => delegationsApi.resource<ResourcePage<K>>(tenantId, `/${kind}`, { limit: 200 }));
}

function CustomerInvoices({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  const r = useResource(tenantId, 'invoices');
  return (
    <DataTable
        error={r.error}
        testId="customer-invoices"
        records={r.data?.data}
        loading={r.loading}
        rowKey={(i) => i.id}
        rowProps={(i) => ({ 'data-number': i.number })}
        pageSize={12}
        empty={intl.formatMessage(m.noInvoices)}
        columns={[
          { key: 'number', title: intl.formatMessage(m.invoice), mobile: 'title', sortValue: (i) => i.number, render: (i) => i.number },
          { key: 'period', title: intl.formatMessage(m.month), sortValue: (i) => i.period, render: (i) => formatPeriod(i.period) },
          { key: 'due', title: intl.formatMessage(m.due), sortValue: (i) => i.due_at, render: (i) => formatDate(i.due_at) },
          { key: 'total', title: intl.formatMessage(m.total), align: 'right', sortValue: (i) => i.total_cents, render: (i) => formatMoney(i.total_cents, i.currency) },
          { key: 'balance', title: intl.formatMessage(m.unpaid), align: 'right', sortValue: (i) => i.balance_cents, render: (i) => formatMoney(i.balance_cents, i.currency) },
          { key: 'status', title: intl.formatMessage(m.status), sortValue: (i) => i.status, render: (i) => <LabelBadge value={i.status} map={INVOICE_STATUS_WORDS} /> },
        ]}
      />
  );
}

function CustomerTickets({ tenantId, canUpdate }: { tenantId: string; canUpdate: boolean }) {
  const intl = useIntl();
  const r = useApiQuery(mspKeys.customerTickets(tenantId), () => mspApi.tickets({ tenant_id: tenantId }));
  const [selected, setSelected] = useState<Ticket | null>(null);
  return (
    <>
      <DataTable
        error={r.error}
        testId="customer-tickets"
        records={r.data?.data}
        loading={r.loading}
        rowKey={(t) => t.id}
        rowProps={(t) => ({ 'data-number': t.number })}
        onRowClick={canUpdate ? setSelected : undefined}
        pageSize={12}
        defaultSort={{ key: 'status', direction: 'asc' }}
        empty={intl.formatMessage(m.noTickets)}
        columns={[
          { key: 'subject', title: intl.formatMessage(m.ticket), mobile: 'title', sortValue: (t) => t.subject, render: (t) => intl.formatMessage(m.ticketName, { subject: t.subject, number: t.number }) },
          { key: 'priority', title: intl.formatMessage(m.priority), width: 100, render: (t) => <LabelBadge value={t.priority} map={TICKET_PRIORITY_WORDS} /> },
          { key: 'status', title: intl.formatMessage(m.status), width: 150, sortValue: (t) => (OPEN_TICKET_STATUSES.includes(t.status) ? 0 : 1), render: (t) => (
              <Group gap={4}>
                <LabelBadge value={t.status} map={TICKET_STATUS_WORDS} />
                <ConfirmationBadge c={t.confirmation} />
              </Group>
            ),
          },
          { key: 'by', title: intl.formatMessage(m.openedBy), render: (t) => <PersonText person={t.opened_by_person} actor={t.opened_by} /> },
          { key: 'updated', title: intl.formatMessage(m.lastChange), sortValue: (t) => t.updated_at, render: (t) => formatDateTime(t.updated_at) },
        ]}
      />
      <TicketDrawer ticket={selected} onClose={() => setSelected(null)} onChanged={(t) => {
          setSelected((prev) => ({ ...t, tenant_name: t.tenant_name ?? prev?.tenant_name }));
          r.reload();
        }} />
    </>
  );
}

function CustomerOrders({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  const r = useResource(tenantId, 'orders');
  return (
    <DataTable
        error={r.error}
        testId="customer-orders"
        records={r.data?.data}
        loading={r.loading}
        rowKey={(o) => o.id}
        pageSize={12}
        empty={intl.formatMessage(m.noOrders)}
        columns={[
          { key: 'product', title: intl.formatMessage(m.product), mobile: 'title', sortValue: (o) => o.product_name, render: (o) => intl.formatMessage(m.quantityOf, { quantity: o.quantity, product: o.product_name }) },
          { key: 'total', title: intl.formatMessage(m.total), align: 'right', sortValue: (o) => o.total_cents, render: (o) => formatMoney(o.total_cents, o.currency) },
          { key: 'status', title: intl.formatMessage(m.status), render: (o) => (
              <Group gap={4}>
                <LabelBadge value={o.status} map={ORDER_STATUS_WORDS} />
                <ConfirmationBadge c={o.confirmation} />
              </Group>
            ),
          },
          { key: 'by', title: intl.formatMessage(m.placedBy), render: (o) => <PersonText actor={o.placed_by} /> },
          { key: 'at', title: intl.formatMessage(m.placed), sortValue: (o) => o.created_at, render: (o) => formatDate(o.created_at) },
        ]}
      />
  );
}

function CustomerServices({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  const r = useResource(tenantId, 'services');
  return (
    <DataTable
        error={r.error}
        testId="customer-services"
        records={r.data?.data}
        loading={r.loading}
        rowKey={(s) => s.id}
        pageSize={12}
        empty={intl.formatMessage(m.noServices)}
        columns={[
          { key: 'name', title: intl.formatMessage(m.service), mobile: 'title', sortValue: (s) => s.name, render: (s) => s.name },
          { key: 'where', title: intl.formatMessage(m.location), render: (s) => s.location ?? '—' },
          { key: 'speed', title: intl.formatMessage(m.bandwidth), render: (s) => (s.bandwidth_mbps ? intl.formatMessage(m.mbps, { value: s.bandwidth_mbps }) : '—') },
          { key: 'price', title: intl.formatMessage(m.perMonth), align: 'right', render: (s) => formatMoney(s.monthly_price_cents, s.currency) },
          { key: 'status', title: intl.formatMessage(m.status), render: (s) => <LabelBadge value={s.status} map={SERVICE_STATUS} /> },
        ]}
      />
  );
}

function CustomerSla({ tenantId, canReadServices }: { tenantId: string; canReadServices: boolean }) {
  const intl = useIntl();
  const r = useResource(tenantId, 'sla');
  // each row names its service (a month has one record per service): from the services the access shows
  const services = useApiQuery(mspKeys.resource(tenantId, '/services'), () => (canReadServices ? delegationsApi.resource<ResourcePage<'services'>>(tenantId, '/services', { limit: 200 }) : Promise.resolve(null)));
  const serviceName = new Map((services.data?.data ?? []).map((x) => [x.id, x.name]));
  // until the services have loaded, a row's service is not yet known: not "no longer listed"
  const unnamed = intl.formatMessage(!canReadServices ? m.serviceHidden : services.data ? m.serviceGone : m.serviceLoading);
  const serviceOf = (s: ResourceRecord<'sla'>) => (s.service_id ? (serviceName.get(s.service_id) ?? unnamed) : intl.formatMessage(m.allServices));
  const byMonth = new Map<string, { sum: number; n: number; target: number }>();
  for (const s of r.data?.data ?? []) {
    const x = byMonth.get(s.period) ?? { sum: 0, n: 0, target: s.target_pct };
    x.sum += s.achieved_pct;
    x.n += 1;
    x.target = Math.max(x.target, s.target_pct);
    byMonth.set(s.period, x);
  }
  const data = [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, x]) => ({ month: formatPeriod(p), availability: Math.round((x.sum / x.n) * 1000) / 1000, target: x.target }));
  return (
    <Stack>
      <ErrorAlert error={r.error} />
      <Chart
        title={intl.formatMessage(m.availabilityTitle)}
        description={intl.formatMessage(m.availabilityDescription)}
        kind="line"
        loading={r.loading}
        data={data}
        dataKey="month"
        series={[
          { name: 'availability', label: intl.formatMessage(m.achievedPct), color: 'grape.6' },
          { name: 'target', label: intl.formatMessage(m.targetPct), color: 'gray.5' },
        ]}
        valueFormatter={(v) => formatPercent(v)}
        empty={intl.formatMessage(m.noSla)}
      />
      <DataTable
        testId="customer-sla"
        records={r.data?.data}
        loading={r.loading}
        rowKey={(s) => s.id}
        pageSize={12}
        defaultSort={{ key: 'period', direction: 'desc' }}
        empty={intl.formatMessage(m.noSla)}
        columns={[
          { key: 'service', title: intl.formatMessage(m.service), mobile: 'title', sortValue: (s) => serviceOf(s), render: (s) => serviceOf(s) },
          { key: 'period', title: intl.formatMessage(m.month), sortValue: (s) => s.period, render: (s) => <span style={{ whiteSpace: 'nowrap' }}>{formatPeriod(s.period)}</span> },
          { key: 'achieved', title: intl.formatMessage(m.achieved), align: 'right', sortValue: (s) => s.achieved_pct, render: (s) => formatPercent(s.achieved_pct, PCT2) },
          { key: 'target', title: intl.formatMessage(m.target), align: 'right', render: (s) => formatPercent(s.target_pct, PCT2) },
          { key: 'down', title: intl.formatMessage(m.downtime), align: 'right', render: (s) => intl.formatMessage(m.minutes, { minutes: s.downtime_minutes }) },
          { key: 'status', title: intl.formatMessage(m.result), render: (s) => <LabelBadge value={s.status} map={SLA_RESULT} /> },
        ]}
      />
    </Stack>
  );
}
