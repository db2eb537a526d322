/**
 * A customer acting on its own records: a ticket's conversation and the reply to it, a new
 * ticket, an invoice's detail and its PDF. What the person may do comes from the permissions the
 * server lists for their role (support.tickets.create / .update); a person who may only read sees
 * the conversation and a sentence saying why there is no form.
 */
import { useState, useMemo } from 'react';
import { Alert, Button, Drawer, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Textarea, Timeline } from '@mantine/core';
import { IconDownload, IconInfoCircle, IconMessage, IconSend } from '@tabler/icons-react';
import { selfRecordsApi, type NewOwnTicket, type OwnTicket, type TicketMessage } from '../../api/selfService.ts';
import { selfKeys } from '../../api/keys/selfService.ts';
import { saveFile } from '../../api/msp.ts';
import { WriteConfirmationNote } from '../../components/WriteConfirmationNote.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { INVOICE_STATUS, LabelBadge, TICKET_CATEGORIES, TICKET_CATEGORY, TICKET_PRIORITIES, TICKET_PRIORITY, TICKET_STATUS, chosen, formatMoney, formatPeriod } from '../Msp/shared.tsx';

/** Ticket statuses as the customer reads them: "waiting on customer" is waiting on you. */
export const OWN_TICKET_STATUS: Record<string, { label: string; color: string }> = { ...TICKET_STATUS, waiting_on_customer: { label: 'Waiting on you', color: 'orange' } };

const STATUS_SAYS: Record<string, string> = {
  open: 'The team handling it will answer here.',
  in_progress: 'Someone is working on it; answers appear here.',
  waiting_on_customer: 'The team handling it is waiting for your answer. Reply below and the ticket goes back to them.',
  resolved: 'Marked as solved. If the problem is back, reply and the ticket opens again.',
  closed: 'This ticket is closed. To follow up, open a new ticket.',
};

const options = (m: Record<string, { label: string } | string>) => Object.entries(m).map(([value, x]) => ({ value, label: typeof x === 'string' ? x : x.label }));

/** Who wrote a message, in words: you, a colleague by name, a partner's person with the partner, or the provider's support. */
function author(m: TicketMessage, meId: string, provider: string): string {
  if (m.by === meId) return 'You';
  if (m.by_partner_name) return `${m.by_name && m.by_name !== m.by ? m.by_name : 'Someone'} · ${m.by_partner_name} (partner)`;
  if (m.by_name && m.by_name !== m.by) return m.by_name;
  return `${provider} support`;
}

export function OwnTicketDrawer({
  tenantId,
  tenantName,
  ticketId,
  meId,
  mayReply,
  accounts,
  onClose,
}: {
  tenantId: string;
  tenantName: string;
  ticketId: string | null;
  meId: string;
  mayReply: boolean;
  /** billing account id → its name and number, when the person may read them */
  accounts: Map<string, string>;
  onClose(): void;
}) {
  const q = useApiQuery(selfKeys.ticket(tenantId, ticketId ?? ''), () => selfRecordsApi.ticket(tenantId, ticketId!), { enabled: !!ticketId });
  const [text, setText] = useState('');
  const reply = useApiMutation((id: string, body: string) => selfRecordsApi.reply(tenantId, id, body), {
    success: (t) => (t.confirmation?.state === 'waiting' ? `Reply sent to ${t.confirmation.provider_name}; it shows as waiting until they confirm it.` : t.status === 'open' ? 'Reply sent. The ticket is back with the team handling it.' : 'Reply sent.'),
    onDone: (t) => {
      setText('');
      q.setData(t);
    },
    invalidates: [selfKeys.all(tenantId)],
  });
  const t: OwnTicket | undefined = ticketId ? q.data : undefined;
  const p = t?.opened_by_person;
  const opener = !t ? '' : t.opened_by.user_id === meId ? 'you' : p ? `${p.name}${p.partner_name ? ` · ${p.partner_name} (partner)` : ''}` : t.opened_by.partner_id ? 'a partner' : 'your team';
  return (
    <Drawer opened={!!ticketId} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': 'Close the ticket' }} title={t ? `Ticket ${t.number}` : 'Ticket'} data-testid="own-ticket">
      <ErrorAlert error={q.error} />
      {q.loading && <Text c="dimmed">Loading the ticket…</Text>}
      {t && (
        <Stack>
          <div>
            <Text fw={600}>{t.subject}</Text>
            <Text size="sm" c="dimmed">
              Opened by {opener} on {formatDateTime(t.created_at)} · {TICKET_CATEGORY[t.category] ?? t.category} · {TICKET_PRIORITY[t.priority]?.label ?? t.priority} priority
            </Text>
            {t.ban_id && accounts.has(t.ban_id) && (
              <Text size="sm" c="dimmed" data-testid="ticket-account">
                About billing account {accounts.get(t.ban_id)}
              </Text>
            )}
          </div>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <LabelBadge value={t.status} map={OWN_TICKET_STATUS} />
            <Text size="sm" data-testid="ticket-status-says">
              {STATUS_SAYS[t.status] ?? ''}
            </Text>
          </Group>
          <WriteConfirmationNote c={t.confirmation} />
          <Text fw={600} size="sm">
            Conversation
          </Text>
          <Timeline bulletSize={20} lineWidth={2} data-testid="ticket-conversation">
            <Timeline.Item bullet={<IconMessage size={12} />} title={<Text size="sm" fw={500}>{opener.charAt(0).toUpperCase() + opener.slice(1)}</Text>}>
              <Text size="xs" c="dimmed">
                {formatDateTime(t.created_at)}
              </Text>
              <Paper withBorder p="xs" mt={4} radius="sm">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {t.description}
                </Text>
              </Paper>
            </Timeline.Item>
            {t.comments.map((m, i) => (
              <Timeline.Item key={i} bullet={<IconMessage size={12} />} title={<Text size="sm" fw={500}>{author(m, meId, t.provider_name)}</Text>} data-testid="ticket-message">
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.at)}
                </Text>
                <Paper withBorder p="xs" mt={4} radius="sm">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {m.text}
                  </Text>
                </Paper>
              </Timeline.Item>
            ))}
          </Timeline>
          {t.status === 'closed' ? null : !mayReply ? (
            <Alert color="gray" icon={<IconInfoCircle size={16} />} data-testid="reply-refused">
              Your role at {tenantName} lets you read tickets but not reply to them. Ask an administrator of {tenantName} to reply, or to let you answer tickets.
            </Alert>
          ) : (
            <form
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                if (text.trim()) void reply.run(t.id, text.trim());
              }}
            >
              <Stack gap="xs">
                <Textarea
                  label="Your reply"
                  description={t.status === 'waiting_on_customer' || t.status === 'resolved' ? 'Sending it hands the ticket back to the team handling it.' : 'The team handling the ticket sees it at once.'}
                  autosize
                  minRows={3}
                  maxLength={10_000}
                  value={text}
                  onChange={(e) => setText(e.currentTarget.value)}
                  data-testid="reply-text"
                />
                <ErrorAlert error={reply.error} />
                <Group justify="flex-end">
                  <Button type="submit" leftSection={<IconSend size={16} />} disabled={!text.trim()} loading={reply.busy}>
                    Send reply
                  </Button>
                </Group>
              </Stack>
            </form>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

interface NewTicketValues {
  subject: string;
  description: string;
  category: string | null;
  priority: string | null;
  ban_id: string | null;
}

export function NewOwnTicketModal({ tenantId, opened, accounts, onClose, onDone }: { tenantId: string; opened: boolean; accounts: { id: string; label: string }[]; onClose(): void; onDone(t: OwnTicket): void }) {
  // one key per ticket being written: a second click or a retry after an error sends the same ticket once
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key each time the form opens
  const key = useMemo(() => crypto.randomUUID(), [opened]);
  const open = useApiMutation((b: NewOwnTicket) => selfRecordsApi.openTicket(tenantId, b, key), {
    success: (t) => (t.confirmation ? `Ticket ${t.number} sent to ${t.confirmation.provider_name}. It shows as waiting until they confirm it.` : `Ticket ${t.number} opened. Answers will appear in its conversation.`),
    onDone,
    invalidates: [selfKeys.all(tenantId)],
  });
  const form = useApiForm<NewTicketValues>(
    {
      initialValues: { subject: '', description: '', category: 'technical', priority: 'normal', ban_id: null },
      validate: {
        subject: (v) => required(v, 'Say in a few words what the ticket is about.'),
        description: (v) => required(v, 'Describe the problem or what you need.'),
      },
    },
    open,
    { resetWhen: opened },
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Open a ticket" size="lg">
      <form
        noValidate
        onSubmit={form.submit((v) =>
          open.run({
            subject: v.subject.trim(),
            description: v.description.trim(),
            category: chosen(TICKET_CATEGORIES, v.category),
            priority: chosen(TICKET_PRIORITIES, v.priority),
            ...(v.ban_id ? { ban_id: v.ban_id } : {}),
          }),
        )}
      >
        <Stack>
          <TextInput label="Subject" withAsterisk maxLength={200} {...form.getInputProps('subject')} data-testid="new-ticket-subject" />
          <Textarea label="Description" description="What happened, since when, and where." withAsterisk autosize minRows={4} maxLength={10_000} {...form.getInputProps('description')} data-testid="new-ticket-description" />
          <Group grow>
            <Select label="Category" data={options(TICKET_CATEGORY)} allowDeselect={false} {...form.getInputProps('category')} />
            <Select label="Priority" data={options(TICKET_PRIORITY)} allowDeselect={false} {...form.getInputProps('priority')} />
          </Group>
          {accounts.length > 0 && (
            <Select label="Billing account it is about" placeholder="None in particular" clearable data={accounts.map((a) => ({ value: a.id, label: a.label }))} {...form.getInputProps('ban_id')} data-testid="new-ticket-account" />
          )}
          <Text size="xs" c="dimmed">
            Your provider and the partners acting for you see the ticket, with your name as the person who opened it.
          </Text>
          <ErrorAlert error={open.error} />
          <FormActions onCancel={onClose} busy={open.busy} submitLabel="Open ticket" />
        </Stack>
      </form>
    </Modal>
  );
}

export function OwnInvoiceDrawer({ tenantId, invoiceId, onClose }: { tenantId: string; invoiceId: string | null; onClose(): void }) {
  const q = useApiQuery(selfKeys.invoice(tenantId, invoiceId ?? ''), () => selfRecordsApi.invoice(tenantId, invoiceId!), { enabled: !!invoiceId });
  const pdf = useApiMutation((id: string) => selfRecordsApi.invoicePdf(tenantId, id), { onDone: (f) => saveFile(f.file, f.filename) });
  const i = invoiceId ? q.data : undefined;
  const money = (c: number) => formatMoney(c, i?.currency);
  const sum = (label: string, cents: number, bold = false) => (
    <Table.Tr>
      <Table.Td colSpan={2} fw={bold ? 700 : undefined}>
        {label}
      </Table.Td>
      <Table.Td ta="right" fw={bold ? 700 : undefined} style={{ whiteSpace: 'nowrap' }}>
        {money(cents)}
      </Table.Td>
    </Table.Tr>
  );
  return (
    <Drawer opened={!!invoiceId} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': 'Close the invoice' }} title={i ? `Invoice ${i.number}` : 'Invoice'} data-testid="own-invoice">
      <ErrorAlert error={q.error} />
      {q.loading && <Text c="dimmed">Loading the invoice…</Text>}
      {i && (
        <Stack>
          <Group justify="space-between" align="flex-start">
            <div>
              <Text fw={600}>{i.ban_name ?? i.tenant_name}</Text>
              <Text size="sm" c="dimmed">
                Billing account {i.ban_account_number ?? '—'}
              </Text>
            </div>
            <LabelBadge value={i.status} map={INVOICE_STATUS} />
          </Group>
          <Text size="sm">
            {formatPeriod(i.period)} · issued {formatDate(i.issued_at)} · {i.status === 'paid' ? 'paid' : `due ${formatDate(i.due_at)}`}
          </Text>
          <Table data-testid="invoice-lines" verticalSpacing={6} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>What</Table.Th>
                <Table.Th ta="right">Quantity</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {i.lines.map((l, n) => (
                <Table.Tr key={n}>
                  <Table.Td>{l.description}</Table.Td>
                  <Table.Td ta="right">{l.quantity === null ? '' : `${l.quantity.toLocaleString()} ${l.unit ?? ''}`}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {money(l.amount_cents)}
                  </Table.Td>
                </Table.Tr>
              ))}
              {sum('Subtotal', i.subtotal_cents)}
              {sum('Tax', i.tax_cents)}
              {sum('Total', i.total_cents, true)}
              {i.payments.map((p, n) => (
                <Table.Tr key={`p${n}`}>
                  <Table.Td colSpan={2}>Paid on {formatDate(p.paid_at)}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {money(-p.amount_cents)}
                  </Table.Td>
                </Table.Tr>
              ))}
              {sum(i.status === 'overdue' ? 'To pay — overdue' : 'To pay', i.balance_cents, true)}
            </Table.Tbody>
          </Table>
          <ErrorAlert error={pdf.error} />
          <Group justify="flex-end">
            <Button leftSection={<IconDownload size={16} />} loading={pdf.busy} onClick={() => void pdf.run(i.id)} data-testid="invoice-pdf">
              Download PDF
            </Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
