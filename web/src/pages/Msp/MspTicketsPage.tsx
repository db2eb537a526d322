/**
 * The MSP's ticket queue across every managed customer: search, filter by customer, status and
 * priority, open a ticket on behalf of a customer, and work a ticket (status, assignee, comments).
 */
import { useMemo, useState } from 'react';
import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { mspApi, type Ticket } from '../../api/msp.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataFreshness } from '../../components/DataFreshness.tsx';
import { useApiQuery } from '../../query/query.ts';
import { useAbilities } from '../../session/abilities.ts';
import { LabelBadge, OPEN_TICKET_STATUSES, TICKET_PRIORITY_WORDS, TICKET_STATUS_WORDS, labelOptions, useManagedCustomers } from './shared.tsx';
import { OpenTicketModal, TicketDrawer } from './tickets.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { ConfirmationBadge } from '../../components/WriteConfirmationNote.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'msp.tickets.title', defaultMessage: 'Ticket queue' },
  descriptionOpen: {
    id: 'msp.tickets.description.may_open',
    defaultMessage: "Support tickets of every customer you manage, in one queue. Open a ticket on a customer's behalf, change its status, assign it and comment.",
  },
  description: { id: 'msp.tickets.description', defaultMessage: 'Support tickets of every customer you manage, in one queue.' },
  openTicket: { id: 'msp.tickets.open', defaultMessage: 'Open a ticket' },
  search: { id: 'msp.tickets.search', defaultMessage: 'Search' },
  searchPlaceholder: { id: 'msp.tickets.search.placeholder', defaultMessage: 'Number, subject, customer or assignee' },
  customer: { id: 'msp.tickets.customer', defaultMessage: 'Customer' },
  allCustomers: { id: 'msp.tickets.customer.all', defaultMessage: 'All customers' },
  status: { id: 'msp.tickets.status', defaultMessage: 'Status' },
  notResolved: { id: 'msp.tickets.status.not_resolved', defaultMessage: 'Not yet resolved' },
  anyStatus: { id: 'msp.tickets.status.any', defaultMessage: 'Any status' },
  priority: { id: 'msp.tickets.priority', defaultMessage: 'Priority' },
  anyPriority: { id: 'msp.tickets.priority.any', defaultMessage: 'Any priority' },
  noMatch: { id: 'msp.tickets.empty.filtered', defaultMessage: 'No ticket matches these filters.' },
  empty: { id: 'msp.tickets.empty', defaultMessage: 'No open tickets. When a customer or your team opens one, it shows here.' },
  ticket: { id: 'msp.tickets.column.ticket', defaultMessage: 'Ticket' },
  assignedTo: { id: 'msp.tickets.column.assigned_to', defaultMessage: 'Assigned to' },
  nobody: { id: 'msp.tickets.assignee.nobody', defaultMessage: 'Nobody' },
  lastChange: { id: 'msp.tickets.column.last_change', defaultMessage: 'Last change' },
});

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function MspTicketsPage() {
  const intl = useIntl();
  const customers = useManagedCustomers();
  const [q, setQ] = useState('');
  const [tenant, setTenant] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>('active');
  const [priority, setPriority] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const [selected, setSelected] = useState<Ticket | null>(null);
  // the ticket form only for someone whose role includes opening tickets (never a read-only member)
  const mayOpen = useAbilities().mayUse('openTicket');
  const list = useApiQuery(mspKeys.tickets(tenant, status, priority), async () => {
    const base = { tenant_id: tenant ?? undefined, priority: priority ?? undefined };
    if (status === 'active') {
      const pages = await Promise.all(OPEN_TICKET_STATUSES.map((s) => mspApi.tickets({ ...base, status: s })));
      return pages.flatMap((p) => p.data);
    }
    return (await mspApi.tickets({ ...base, status: status ?? undefined })).data;
  });
  const active = customers.rows.filter((r) => r.delegation.status === 'active');
  const names = new Map(active.map((r) => [r.tenant.id, r.tenant.name]));
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (list.data ?? []).filter((t) => !needle || [t.number, t.subject, t.tenant_name ?? '', t.assignee ?? ''].some((s) => s.toLowerCase().includes(needle)));
  }, [list.data, q]);

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={mayOpen ? intl.formatMessage(m.descriptionOpen) : intl.formatMessage(m.description)}
        actions={
          mayOpen && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setOpening(true)} disabled={active.length === 0}>
              <FormattedMessage {...m.openTicket} />
            </Button>
          )
        }
      />
      <DataFreshness kind="tickets" />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          <TextInput label={intl.formatMessage(m.search)} placeholder={intl.formatMessage(m.searchPlaceholder)} leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 280 }} />
          <Select label={intl.formatMessage(m.customer)} placeholder={intl.formatMessage(m.allCustomers)} clearable searchable data={active.map((r) => ({ value: r.tenant.id, label: r.tenant.name }))} value={tenant} onChange={setTenant} w={{ base: '100%', sm: 220 }} />
          <Select
            label={intl.formatMessage(m.status)}
            data={[{ value: 'active', label: intl.formatMessage(m.notResolved) }, ...labelOptions(intl, TICKET_STATUS_WORDS)]}
            value={status}
            onChange={setStatus}
            clearable
            placeholder={intl.formatMessage(m.anyStatus)}
            w={{ base: '100%', sm: 200 }}
          />
          <Select label={intl.formatMessage(m.priority)} placeholder={intl.formatMessage(m.anyPriority)} clearable data={labelOptions(intl, TICKET_PRIORITY_WORDS)} value={priority} onChange={setPriority} w={{ base: '100%', sm: 160 }} />
        </Group>
        <DataTable
          error={list.error}
          testId="ticket-queue"
          records={rows}
          loading={list.loading}
          rowKey={(t) => t.id}
          rowProps={(t) => ({ 'data-number': t.number, 'data-tenant': t.tenant_id })}
          onRowClick={setSelected}
          defaultSort={{ key: 'priority', direction: 'asc' }}
          empty={q || tenant || priority ? intl.formatMessage(m.noMatch) : intl.formatMessage(m.empty)}
          columns={[
            {
              key: 'subject',
              title: intl.formatMessage(m.ticket),
              mobile: 'title',
              sortValue: (t) => t.subject,
              render: (t) => (
                <div>
                  <Text fz="inherit" fw={500}>
                    {t.subject}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t.number}
                  </Text>
                </div>
              ),
            },
            { key: 'customer', title: intl.formatMessage(m.customer), sortValue: (t) => t.tenant_name ?? names.get(t.tenant_id), render: (t) => t.tenant_name ?? names.get(t.tenant_id) ?? '—' },
            { key: 'priority', title: intl.formatMessage(m.priority), width: 100, sortValue: (t) => PRIORITY_RANK[t.priority] ?? 9, render: (t) => <LabelBadge value={t.priority} map={TICKET_PRIORITY_WORDS} /> },
            { key: 'status', title: intl.formatMessage(m.status), width: 150, sortValue: (t) => t.status, render: (t) => (
              <Group gap={4}>
                <LabelBadge value={t.status} map={TICKET_STATUS_WORDS} />
                <ConfirmationBadge c={t.confirmation} />
              </Group>
            ),
          },
            { key: 'assignee', title: intl.formatMessage(m.assignedTo), sortValue: (t) => t.assignee_person?.name ?? t.assignee, render: (t) => t.assignee_person?.name ?? t.assignee ?? <Text c="dimmed" fz="inherit">{intl.formatMessage(m.nobody)}</Text> },
            { key: 'updated', title: intl.formatMessage(m.lastChange), sortValue: (t) => t.updated_at, render: (t) => formatDateTime(t.updated_at) },
          ]}
        />
      </Stack>
      {mayOpen && <OpenTicketModal
        opened={opening}
        customers={active.map((r) => ({ id: r.tenant.id, name: r.tenant.name }))}
        tenantId={tenant ?? undefined}
        onClose={() => setOpening(false)}
        onDone={(t) => {
          setOpening(false);
          list.reload();
          setSelected(t);
        }}
      />}
      <TicketDrawer
        ticket={selected}
        onClose={() => setSelected(null)}
        onChanged={(t) => {
          setSelected((prev) => ({ ...t, tenant_name: t.tenant_name ?? prev?.tenant_name ?? names.get(t.tenant_id) }));
          list.reload();
        }}
      />
    </>
  );
}
