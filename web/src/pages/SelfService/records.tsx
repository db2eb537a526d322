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
import {
  INVOICE_STATUS_WORDS,
  LabelBadge,
  TICKET_CATEGORIES,
  TICKET_CATEGORY_WORDS,
  TICKET_PRIORITIES,
  TICKET_PRIORITY_WORDS,
  TICKET_STATUS_WORDS,
  chosen,
  formatMoney,
  formatPeriod,
  labelOptions,
} from '../Msp/shared.tsx';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

const statusSays = defineMessages({
  open: { id: 'self_service.ticket.status_says.open', defaultMessage: 'The team handling it will answer here.' },
  in_progress: { id: 'self_service.ticket.status_says.in_progress', defaultMessage: 'Someone is working on it; answers appear here.' },
  waiting_on_customer: {
    id: 'self_service.ticket.status_says.waiting_on_customer',
    defaultMessage: 'The team handling it is waiting for your answer. Reply below and the ticket goes back to them.',
  },
  resolved: { id: 'self_service.ticket.status_says.resolved', defaultMessage: 'Marked as solved. If the problem is back, reply and the ticket opens again.' },
  closed: { id: 'self_service.ticket.status_says.closed', defaultMessage: 'This ticket is closed. To follow up, open a new ticket.' },
});
const STATUS_SAYS: Record<string, Message> = statusSays;

const m = defineMessages({
  waitingOnYou: { id: 'self_service.ticket.status.waiting_on_you', defaultMessage: 'Waiting on you' },
  you: { id: 'self_service.ticket.author.you', defaultMessage: 'You' },
  someone: { id: 'self_service.ticket.author.someone', defaultMessage: 'Someone' },
  personOfPartner: { id: 'self_service.ticket.author.person_of_partner', defaultMessage: '{name} · {partner} (partner)' },
  support: { id: 'self_service.ticket.author.support', defaultMessage: '{provider} support' },
  replyWaiting: { id: 'self_service.ticket.reply.sent_waiting', defaultMessage: 'Reply sent to {provider}; it shows as waiting until they confirm it.' },
  replyBack: { id: 'self_service.ticket.reply.sent_back', defaultMessage: 'Reply sent. The ticket is back with the team handling it.' },
  replySent: { id: 'self_service.ticket.reply.sent', defaultMessage: 'Reply sent.' },
  openerYou: { id: 'self_service.ticket.opener.you', defaultMessage: 'you' },
  openerPartner: { id: 'self_service.ticket.opener.a_partner', defaultMessage: 'a partner' },
  openerTeam: { id: 'self_service.ticket.opener.your_team', defaultMessage: 'your team' },
  openerYouTitle: { id: 'self_service.ticket.opener_title.you', defaultMessage: 'You' },
  openerPartnerTitle: { id: 'self_service.ticket.opener_title.a_partner', defaultMessage: 'A partner' },
  openerTeamTitle: { id: 'self_service.ticket.opener_title.your_team', defaultMessage: 'Your team' },
  closeTicket: { id: 'self_service.ticket.close', defaultMessage: 'Close the ticket' },
  ticketNumber: { id: 'self_service.ticket.title_number', defaultMessage: 'Ticket {number}' },
  ticket: { id: 'self_service.ticket.title', defaultMessage: 'Ticket' },
  loadingTicket: { id: 'self_service.ticket.loading', defaultMessage: 'Loading the ticket…' },
  openedBy: { id: 'self_service.ticket.opened_by', defaultMessage: 'Opened by {opener} on {date} · {category} · {priority} priority' },
  aboutAccount: { id: 'self_service.ticket.about_account', defaultMessage: 'About billing account {account}' },
  conversation: { id: 'self_service.ticket.conversation', defaultMessage: 'Conversation' },
  replyRefused: {
    id: 'self_service.ticket.reply_refused',
    defaultMessage: 'Your role at {tenant} lets you read tickets but not reply to them. Ask an administrator of {tenant} to reply, or to let you answer tickets.',
  },
  yourReply: { id: 'self_service.ticket.reply.label', defaultMessage: 'Your reply' },
  replyHandsBack: { id: 'self_service.ticket.reply.hands_back', defaultMessage: 'Sending it hands the ticket back to the team handling it.' },
  replySeen: { id: 'self_service.ticket.reply.seen', defaultMessage: 'The team handling the ticket sees it at once.' },
  sendReply: { id: 'self_service.ticket.reply.send', defaultMessage: 'Send reply' },
  newSent: { id: 'self_service.new_ticket.sent', defaultMessage: 'Ticket {number} sent to {provider}. It shows as waiting until they confirm it.' },
  newOpened: { id: 'self_service.new_ticket.opened', defaultMessage: 'Ticket {number} opened. Answers will appear in its conversation.' },
  subjectRequired: { id: 'self_service.new_ticket.subject_required', defaultMessage: 'Say in a few words what the ticket is about.' },
  descriptionRequired: { id: 'self_service.new_ticket.description_required', defaultMessage: 'Describe the problem or what you need.' },
  newTitle: { id: 'self_service.new_ticket.title', defaultMessage: 'Open a ticket' },
  subject: { id: 'self_service.new_ticket.subject', defaultMessage: 'Subject' },
  description: { id: 'self_service.new_ticket.description', defaultMessage: 'Description' },
  descriptionHelp: { id: 'self_service.new_ticket.description_help', defaultMessage: 'What happened, since when, and where.' },
  category: { id: 'self_service.new_ticket.category', defaultMessage: 'Category' },
  priority: { id: 'self_service.new_ticket.priority', defaultMessage: 'Priority' },
  account: { id: 'self_service.new_ticket.account', defaultMessage: 'Billing account it is about' },
  accountPlaceholder: { id: 'self_service.new_ticket.account_placeholder', defaultMessage: 'None in particular' },
  whoSees: {
    id: 'self_service.new_ticket.who_sees',
    defaultMessage: 'Your provider and the partners acting for you see the ticket, with your name as the person who opened it.',
  },
  openTicket: { id: 'self_service.new_ticket.submit', defaultMessage: 'Open ticket' },
  closeInvoice: { id: 'self_service.invoice.close', defaultMessage: 'Close the invoice' },
  invoiceNumber: { id: 'self_service.invoice.title_number', defaultMessage: 'Invoice {number}' },
  invoice: { id: 'self_service.invoice.title', defaultMessage: 'Invoice' },
  loadingInvoice: { id: 'self_service.invoice.loading', defaultMessage: 'Loading the invoice…' },
  billingAccount: { id: 'self_service.invoice.billing_account', defaultMessage: 'Billing account {number}' },
  dates: { id: 'self_service.invoice.dates', defaultMessage: '{period} · issued {issued} · {status, select, paid {paid} other {due {due}}}' },
  what: { id: 'self_service.invoice.column.what', defaultMessage: 'What' },
  quantity: { id: 'self_service.invoice.column.quantity', defaultMessage: 'Quantity' },
  amount: { id: 'self_service.invoice.column.amount', defaultMessage: 'Amount' },
  subtotal: { id: 'self_service.invoice.subtotal', defaultMessage: 'Subtotal' },
  tax: { id: 'self_service.invoice.tax', defaultMessage: 'Tax' },
  total: { id: 'self_service.invoice.total', defaultMessage: 'Total' },
  paidOn: { id: 'self_service.invoice.paid_on', defaultMessage: 'Paid on {date}' },
  toPay: { id: 'self_service.invoice.to_pay', defaultMessage: 'To pay' },
  toPayOverdue: { id: 'self_service.invoice.to_pay_overdue', defaultMessage: 'To pay — overdue' },
  downloadPdf: { id: 'self_service.invoice.download_pdf', defaultMessage: 'Download PDF' },
});

/** Ticket statuses as the customer reads them: "waiting on customer" is waiting on you. */
export const OWN_TICKET_STATUS: Record<string, { label: Message; color: string }> = { ...TICKET_STATUS_WORDS, waiting_on_customer: { label: m.waitingOnYou, color: 'orange' } };

/** Who wrote a message, in words: you, a colleague by name, a partner's person with the partner, or the provider's support. */
function author(intl: IntlShape, msg: TicketMessage, meId: string, provider: string): string {
  if (msg.by === meId) return intl.formatMessage(m.you);
  if (msg.by_partner_name)
    return intl.formatMessage(m.personOfPartner, { name: msg.by_name && msg.by_name !== msg.by ? msg.by_name : intl.formatMessage(m.someone), partner: msg.by_partner_name });
  if (msg.by_name && msg.by_name !== msg.by) return msg.by_name;
  return intl.formatMessage(m.support, { provider });
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
  const intl = useIntl();
  const q = useApiQuery(selfKeys.ticket(tenantId, ticketId ?? ''), () => selfRecordsApi.ticket(tenantId, ticketId!), { enabled: !!ticketId });
  const [text, setText] = useState('');
  const reply = useApiMutation((id: string, body: string) => selfRecordsApi.reply(tenantId, id, body), {
    success: (t) =>
      t.confirmation?.state === 'waiting'
        ? intl.formatMessage(m.replyWaiting, { provider: t.confirmation.provider_name })
        : intl.formatMessage(t.status === 'open' ? m.replyBack : m.replySent),
    onDone: (t) => {
      setText('');
      q.setData(t);
    },
    invalidates: [selfKeys.all(tenantId)],
  });
  const t: OwnTicket | undefined = ticketId ? q.data : undefined;
  const p = t?.opened_by_person;
  const person = p ? (p.partner_name ? intl.formatMessage(m.personOfPartner, { name: p.name, partner: p.partner_name }) : p.name) : '';
  // who opened it: in the sentence, and as the first message's heading
  const [opener, openerTitle] = !t
    ? ['', '']
    : t.opened_by.user_id === meId
      ? [intl.formatMessage(m.openerYou), intl.formatMessage(m.openerYouTitle)]
      : p
        ? [person, person.charAt(0).toUpperCase() + person.slice(1)]
        : t.opened_by.partner_id
          ? [intl.formatMessage(m.openerPartner), intl.formatMessage(m.openerPartnerTitle)]
          : [intl.formatMessage(m.openerTeam), intl.formatMessage(m.openerTeamTitle)];
  const category = t ? TICKET_CATEGORY_WORDS[t.category] : undefined;
  const priority = t ? TICKET_PRIORITY_WORDS[t.priority] : undefined;
  return (
    <Drawer opened={!!ticketId} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': intl.formatMessage(m.closeTicket) }}
      title={t ? intl.formatMessage(m.ticketNumber, { number: t.number }) : intl.formatMessage(m.ticket)} data-testid="own-ticket">
      <ErrorAlert error={q.error} />
      {q.loading && (
        <Text c="dimmed">
          <FormattedMessage {...m.loadingTicket} />
        </Text>
      )}
      {t && (
        <Stack>
          <div>
            <Text fw={600}>{t.subject}</Text>
            <Text size="sm" c="dimmed">
              <FormattedMessage
                {...m.openedBy}
                values={{
                  opener,
                  date: formatDateTime(t.created_at),
                  category: category ? intl.formatMessage(category) : t.category,
                  priority: priority ? intl.formatMessage(priority.label) : t.priority,
                }}
              />
            </Text>
            {t.ban_id && accounts.has(t.ban_id) && (
              <Text size="sm" c="dimmed" data-testid="ticket-account">
                <FormattedMessage {...m.aboutAccount} values={{ account: accounts.get(t.ban_id) }} />
              </Text>
            )}
          </div>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <LabelBadge value={t.status} map={OWN_TICKET_STATUS} />
            <Text size="sm" data-testid="ticket-status-says">
              {STATUS_SAYS[t.status] ? intl.formatMessage(STATUS_SAYS[t.status]) : ''}
            </Text>
          </Group>
          <WriteConfirmationNote c={t.confirmation} />
          <Text fw={600} size="sm">
            <FormattedMessage {...m.conversation} />
          </Text>
          <Timeline bulletSize={20} lineWidth={2} data-testid="ticket-conversation">
            <Timeline.Item bullet={<IconMessage size={12} />} title={
                <Text size="sm" fw={500}>
                  {openerTitle}
                </Text>
              }>
              <Text size="xs" c="dimmed">
                {formatDateTime(t.created_at)}
              </Text>
              <Paper withBorder p="xs" mt={4} radius="sm">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {t.description}
                </Text>
              </Paper>
            </Timeline.Item>
            {t.comments.map((msg, i) => (
              <Timeline.Item
                key={i}
                bullet={<IconMessage size={12} />}
                title={
                  <Text size="sm" fw={500}>
                    {author(intl, msg, meId, t.provider_name)}
                  </Text>
                }
                data-testid="ticket-message"
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(msg.at)}
                </Text>
                <Paper withBorder p="xs" mt={4} radius="sm">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {msg.text}
                  </Text>
                </Paper>
              </Timeline.Item>
            ))}
          </Timeline>
          {t.status === 'closed' ? null : !mayReply ? (
            <Alert color="gray" icon={<IconInfoCircle size={16} />} data-testid="reply-refused">
              <FormattedMessage {...m.replyRefused} values={{ tenant: tenantName }} />
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
                  label={intl.formatMessage(m.yourReply)}
                  description={intl.formatMessage(t.status === 'waiting_on_customer' || t.status === 'resolved' ? m.replyHandsBack : m.replySeen)}
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
                    <FormattedMessage {...m.sendReply} />
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
  const intl = useIntl();
  const open = useApiMutation((b: NewOwnTicket) => selfRecordsApi.openTicket(tenantId, b, key), {
    success: (t) =>
      t.confirmation
        ? intl.formatMessage(m.newSent, { number: t.number, provider: t.confirmation.provider_name })
        : intl.formatMessage(m.newOpened, { number: t.number }),
    onDone,
    invalidates: [selfKeys.all(tenantId)],
  });
  const form = useApiForm<NewTicketValues>(
    {
      initialValues: { subject: '', description: '', category: 'technical', priority: 'normal', ban_id: null },
      validate: {
        subject: (v) => required(v, intl.formatMessage(m.subjectRequired)),
        description: (v) => required(v, intl.formatMessage(m.descriptionRequired)),
      },
    },
    open,
    { resetWhen: opened },
  );
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.newTitle)} size="lg">
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
          <TextInput label={intl.formatMessage(m.subject)} withAsterisk maxLength={200} {...form.getInputProps('subject')} data-testid="new-ticket-subject" />
          <Textarea
            label={intl.formatMessage(m.description)}
            description={intl.formatMessage(m.descriptionHelp)}
            withAsterisk autosize minRows={4} maxLength={10_000} {...form.getInputProps('description')} data-testid="new-ticket-description" />
          <Group grow>
            <Select label={intl.formatMessage(m.category)} data={labelOptions(intl, TICKET_CATEGORY_WORDS)} allowDeselect={false} {...form.getInputProps('category')} />
            <Select label={intl.formatMessage(m.priority)} data={labelOptions(intl, TICKET_PRIORITY_WORDS)} allowDeselect={false} {...form.getInputProps('priority')} />
          </Group>
          {accounts.length > 0 && (
            <Select
              label={intl.formatMessage(m.account)}
              placeholder={intl.formatMessage(m.accountPlaceholder)}
              clearable data={accounts.map((a) => ({ value: a.id, label: a.label }))} {...form.getInputProps('ban_id')} data-testid="new-ticket-account" />
          )}
          <Text size="xs" c="dimmed">
            <FormattedMessage {...m.whoSees} />
          </Text>
          <ErrorAlert error={open.error} />
          <FormActions onCancel={onClose} busy={open.busy} submitLabel={intl.formatMessage(m.openTicket)} />
        </Stack>
      </form>
    </Modal>
  );
}

export function OwnInvoiceDrawer({ tenantId, invoiceId, onClose }: { tenantId: string; invoiceId: string | null; onClose(): void }) {
  const intl = useIntl();
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
    <Drawer opened={!!invoiceId} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': intl.formatMessage(m.closeInvoice) }}
      title={i ? intl.formatMessage(m.invoiceNumber, { number: i.number }) : intl.formatMessage(m.invoice)} data-testid="own-invoice">
      <ErrorAlert error={q.error} />
      {q.loading && (
        <Text c="dimmed">
          <FormattedMessage {...m.loadingInvoice} />
        </Text>
      )}
      {i && (
        <Stack>
          <Group justify="space-between" align="flex-start">
            <div>
              <Text fw={600}>{i.ban_name ?? i.tenant_name}</Text>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.billingAccount} values={{ number: i.ban_account_number ?? '—' }} />
              </Text>
            </div>
            <LabelBadge value={i.status} map={INVOICE_STATUS_WORDS} />
          </Group>
          <Text size="sm">
            <FormattedMessage {...m.dates} values={{ period: formatPeriod(i.period), issued: formatDate(i.issued_at), status: i.status, due: formatDate(i.due_at) }} />
          </Text>
          <Table data-testid="invoice-lines" verticalSpacing={6} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <FormattedMessage {...m.what} />
                </Table.Th>
                <Table.Th ta="right">
                  <FormattedMessage {...m.quantity} />
                </Table.Th>
                <Table.Th ta="right">
                  <FormattedMessage {...m.amount} />
                </Table.Th>
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
              {sum(intl.formatMessage(m.subtotal), i.subtotal_cents)}
              {sum(intl.formatMessage(m.tax), i.tax_cents)}
              {sum(intl.formatMessage(m.total), i.total_cents, true)}
              {i.payments.map((p, n) => (
                <Table.Tr key={`p${n}`}>
                  <Table.Td colSpan={2}>
                    <FormattedMessage {...m.paidOn} values={{ date: formatDate(p.paid_at) }} />
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {money(-p.amount_cents)}
                  </Table.Td>
                </Table.Tr>
              ))}
              {sum(intl.formatMessage(i.status === 'overdue' ? m.toPayOverdue : m.toPay), i.balance_cents, true)}
            </Table.Tbody>
          </Table>
          <ErrorAlert error={pdf.error} />
          <Group justify="flex-end">
            <Button leftSection={<IconDownload size={16} />} loading={pdf.busy} onClick={() => void pdf.run(i.id)} data-testid="invoice-pdf">
              <FormattedMessage {...m.downloadPdf} />
            </Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}
