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
import { LabelBadge, OPEN_TICKET_STATUSES, TICKET_PRIORITY, TICKET_STATUS, useManagedCustomers } from './shared.tsx';
import { OpenTicketModal, TicketDrawer } from './tickets.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { ConfirmationBadge } from '../../components/WriteConfirmationNote.tsx';

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function MspTicketsPage() {
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
        title="Ticket queue"
        description={
          mayOpen
            ? "Support tickets of every customer you manage, in one queue. Open a ticket on a customer's behalf, change its status, assign it and comment."
            : 'Support tickets of every customer you manage, in one queue.'
        }
        actions={
          mayOpen && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setOpening(true)} disabled={active.length === 0}>
              Open a ticket
            </Button>
          )
        }
      />
      <DataFreshness kind="tickets" />
      <Stack>
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Search" placeholder="Number, subject, customer or assignee" leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={{ base: '100%', sm: 280 }} />
          <Select label="Customer" placeholder="All customers" clearable searchable data={active.map((r) => ({ value: r.tenant.id, label: r.tenant.name }))} value={tenant} onChange={setTenant} w={{ base: '100%', sm: 220 }} />
          <Select
            label="Status"
            data={[{ value: 'active', label: 'Not yet resolved' }, ...Object.entries(TICKET_STATUS).map(([value, x]) => ({ value, label: x.label }))]}
            value={status}
            onChange={setStatus}
            clearable
            placeholder="Any status"
            w={{ base: '100%', sm: 200 }}
          />
          <Select label="Priority" placeholder="Any priority" clearable data={Object.entries(TICKET_PRIORITY).map(([value, x]) => ({ value, label: x.label }))} value={priority} onChange={setPriority} w={{ base: '100%', sm: 160 }} />
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
          empty={q || tenant || priority ? 'No ticket matches these filters.' : 'No open tickets. When a customer or your team opens one, it shows here.'}
          columns={[
            {
              key: 'subject',
              title: 'Ticket',
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
            { key: 'customer', title: 'Customer', sortValue: (t) => t.tenant_name ?? names.get(t.tenant_id), render: (t) => t.tenant_name ?? names.get(t.tenant_id) ?? '—' },
            { key: 'priority', title: 'Priority', width: 100, sortValue: (t) => PRIORITY_RANK[t.priority] ?? 9, render: (t) => <LabelBadge value={t.priority} map={TICKET_PRIORITY} /> },
            { key: 'status', title: 'Status', width: 150, sortValue: (t) => t.status, render: (t) => (
              <Group gap={4}>
                <LabelBadge value={t.status} map={TICKET_STATUS} />
                <ConfirmationBadge c={t.confirmation} />
              </Group>
            ),
          },
            { key: 'assignee', title: 'Assigned to', sortValue: (t) => t.assignee_person?.name ?? t.assignee, render: (t) => t.assignee_person?.name ?? t.assignee ?? <Text c="dimmed" fz="inherit">Nobody</Text> },
            { key: 'updated', title: 'Last change', sortValue: (t) => t.updated_at, render: (t) => formatDateTime(t.updated_at) },
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
