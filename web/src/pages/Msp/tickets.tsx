/**
 * Tickets the MSP handles for its customers: open one on behalf of a customer, and a ticket's
 * panel to change its status or priority, assign it and add a comment.
 */
import { useEffect, useState } from 'react';
import { Button, Drawer, Group, Modal, Paper, Select, Stack, Text, TextInput, Textarea, Timeline } from '@mantine/core';
import { IconMessage, IconSend } from '@tabler/icons-react';
import { mspApi, type NewTicket, type Ticket, type TicketChange } from '../../api/msp.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useAbilities } from '../../session/abilities.ts';
import { LabelBadge, PersonText, TICKET_CATEGORIES, TICKET_CATEGORY_WORDS, TICKET_PRIORITIES, TICKET_PRIORITY_WORDS, TICKET_STATUS_WORDS, TICKET_STATUSES, chosen, labelOptions } from './shared.tsx';
import { WriteConfirmationNote } from '../../components/WriteConfirmationNote.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { mspKeys } from '../../api/keys/msp.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  opened: { id: 'msp.ticket.opened', defaultMessage: 'Ticket {number} opened for {customer}.' },
  theCustomer: { id: 'msp.ticket.opened.the_customer', defaultMessage: 'the customer' },
  customerRequired: { id: 'msp.ticket.customer_required', defaultMessage: 'Choose the customer the ticket is for.' },
  subjectRequired: { id: 'msp.ticket.subject_required', defaultMessage: 'Say in a few words what the ticket is about.' },
  descriptionRequired: { id: 'msp.ticket.description_required', defaultMessage: 'Describe the problem or the request.' },
  openTitle: { id: 'msp.ticket.open.title', defaultMessage: 'Open a ticket for a customer' },
  customer: { id: 'msp.ticket.customer', defaultMessage: 'Customer' },
  subject: { id: 'msp.ticket.subject', defaultMessage: 'Subject' },
  description: { id: 'msp.ticket.description', defaultMessage: 'Description' },
  category: { id: 'msp.ticket.category', defaultMessage: 'Category' },
  priority: { id: 'msp.ticket.priority', defaultMessage: 'Priority' },
  customerSees: { id: 'msp.ticket.open.customer_sees', defaultMessage: 'The customer sees the ticket in its own portal, with your name as the person who opened it.' },
  openTicket: { id: 'msp.ticket.open.submit', defaultMessage: 'Open ticket' },
  waiting: { id: 'msp.ticket.sent_waiting', defaultMessage: 'Sent to {provider}; it shows as waiting until they confirm it.' },
  updated: { id: 'msp.ticket.updated', defaultMessage: 'Ticket updated.' },
  closeTicket: { id: 'msp.ticket.close', defaultMessage: 'Close the ticket' },
  drawerTitle: { id: 'msp.ticket.drawer.title', defaultMessage: 'Ticket {number}' },
  openedAt: { id: 'msp.ticket.opened_at', defaultMessage: '{customer} · opened {date}' },
  openedBy: { id: 'msp.ticket.opened_by', defaultMessage: 'Opened by' },
  readonly: { id: 'msp.ticket.readonly', defaultMessage: '{status} · {priority} priority · assigned to {assignee}' },
  nobodyYetLower: { id: 'msp.ticket.assignee.nobody_lower', defaultMessage: 'nobody yet' },
  status: { id: 'msp.ticket.status', defaultMessage: 'Status' },
  assignedTo: { id: 'msp.ticket.assigned_to', defaultMessage: 'Assigned to' },
  nobodyYet: { id: 'msp.ticket.assignee.nobody', defaultMessage: 'Nobody yet' },
  assigneeHelp: { id: 'msp.ticket.assignee.help', defaultMessage: 'Someone of your organization who handles it.' },
  assigneeNameHelp: { id: 'msp.ticket.assignee.name_help', defaultMessage: 'The name of the person who handles it; press Enter to save.' },
  comments: { id: 'msp.ticket.comments', defaultMessage: 'Comments' },
  noComments: { id: 'msp.ticket.comments.empty', defaultMessage: 'No comments yet.' },
  teamMember: { id: 'msp.ticket.comments.team_member', defaultMessage: 'A team member' },
  addCommentLabel: { id: 'msp.ticket.comments.add_label', defaultMessage: 'Add a comment' },
  addComment: { id: 'msp.ticket.comments.add', defaultMessage: 'Add comment' },
});

interface TicketValues {
  tenant_id: string | null;
  subject: string;
  description: string;
  category: string | null;
  priority: string | null;
}

/** Open a ticket on behalf of a customer; `customers` are the ones the member may choose. */
export function OpenTicketModal({
  opened,
  customers,
  tenantId,
  onClose,
  onDone,
}: {
  opened: boolean;
  customers: { id: string; name: string }[];
  tenantId?: string;
  onClose(): void;
  onDone(t: Ticket): void;
}) {
  const intl = useIntl();
  const open = useApiMutation((b: NewTicket) => mspApi.openTicket(b), {
    success: (t) => intl.formatMessage(m.opened, { number: t.number, customer: t.tenant_name ?? customers.find((c) => c.id === t.tenant_id)?.name ?? intl.formatMessage(m.theCustomer) }),
    onDone,
  });
  const form = useApiForm<TicketValues>(
    {
      initialValues: { tenant_id: tenantId ?? null, subject: '', description: '', category: 'technical', priority: 'normal' },
      validate: {
        tenant_id: (v) => required(v, intl.formatMessage(m.customerRequired)),
        subject: (v) => required(v, intl.formatMessage(m.subjectRequired)),
        description: (v) => required(v, intl.formatMessage(m.descriptionRequired)),
      },
    },
    open,
    { resetWhen: opened },
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the dialog opens
  useEffect(() => {
    if (opened && tenantId) form.setFieldValue('tenant_id', tenantId);
  }, [opened, tenantId]);
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.openTitle)} size="lg">
      <form
        noValidate
        onSubmit={form.submit((v) =>
          open.run({ tenant_id: v.tenant_id!, subject: v.subject.trim(), description: v.description.trim(), category: chosen(TICKET_CATEGORIES, v.category), priority: chosen(TICKET_PRIORITIES, v.priority) }),
        )}
      >
        <Stack>
          <Select label={intl.formatMessage(m.customer)} withAsterisk searchable data={customers.map((c) => ({ value: c.id, label: c.name }))} {...form.getInputProps('tenant_id')} data-testid="ticket-customer" />
          <TextInput label={intl.formatMessage(m.subject)} withAsterisk {...form.getInputProps('subject')} />
          <Textarea label={intl.formatMessage(m.description)} withAsterisk autosize minRows={3} {...form.getInputProps('description')} />
          <Group grow>
            <Select label={intl.formatMessage(m.category)} data={labelOptions(intl, TICKET_CATEGORY_WORDS)} {...form.getInputProps('category')} allowDeselect={false} />
            <Select label={intl.formatMessage(m.priority)} data={labelOptions(intl, TICKET_PRIORITY_WORDS)} {...form.getInputProps('priority')} allowDeselect={false} />
          </Group>
          <Text size="xs" c="dimmed">
            <FormattedMessage {...m.customerSees} />
          </Text>
          <ErrorAlert error={open.error} />
          <FormActions onCancel={onClose} busy={open.busy} submitLabel={intl.formatMessage(m.openTicket)} />
        </Stack>
      </form>
    </Modal>
  );
}

/** One ticket: its details, history of comments, and the changes the member may make. */
export function TicketDrawer({ ticket, onClose, onChanged }: { ticket: Ticket | null; onClose(): void; onChanged(t: Ticket): void }) {
  const intl = useIntl();
  const [comment, setComment] = useState('');
  const assignable = useApiQuery(mspKeys.assignable, () => mspApi.assignable().catch(() => null), { staleTime: 60_000 });
  const people = assignable.data?.data ?? null;
  const update = useApiMutation(
    (id: string, body: TicketChange & { assignee_user_id?: string | null }) => {
      if ('assignee_user_id' in body) return mspApi.assign(id, body.assignee_user_id ?? null);
      if (body.comment && people) return mspApi.comment(id, body.comment);
      return mspApi.updateTicket(id, body);
    },
    {
    success: (t) => (t.confirmation?.state === 'waiting' ? intl.formatMessage(m.waiting, { provider: t.confirmation.provider_name }) : intl.formatMessage(m.updated)),
    onDone: (t) => {
      setComment('');
      onChanged(t);
    },
    invalidates: [mspKeys.all],
    },
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new comment box when another ticket opens
  useEffect(() => setComment(''), [ticket?.id]);
  // a read-only member (an auditor) reads the ticket; changing it is not offered
  const mayUpdate = useAbilities().may('support.tickets.update');
  const t = ticket;
  return (
    <Drawer opened={!!t} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': intl.formatMessage(m.closeTicket) }} title={t ? intl.formatMessage(m.drawerTitle, { number: t.number }) : ''} data-testid="ticket-drawer">
      {t && (
        <Stack>
          <div>
            <Text fw={600}>{t.subject}</Text>
            <Text size="sm" c="dimmed">
              {intl.formatMessage(m.openedAt, { customer: t.tenant_name ?? '', date: formatDateTime(t.created_at) })}
            </Text>
          </div>
          <WriteConfirmationNote c={t.confirmation} />
          <Paper withBorder p="sm" radius="md">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {t.description}
            </Text>
          </Paper>
          <div>
            <Text size="xs" c="dimmed">
              <FormattedMessage {...m.openedBy} />
            </Text>
            <PersonText person={t.opened_by_person} actor={t.opened_by} />
          </div>
          {!mayUpdate && (
            <Text size="sm" data-testid="ticket-readonly">
              {intl.formatMessage(m.readonly, {
                status: TICKET_STATUS_WORDS[t.status] ? intl.formatMessage(TICKET_STATUS_WORDS[t.status].label) : t.status,
                priority: TICKET_PRIORITY_WORDS[t.priority] ? intl.formatMessage(TICKET_PRIORITY_WORDS[t.priority].label) : t.priority,
                assignee: t.assignee_person?.name ?? t.assignee ?? intl.formatMessage(m.nobodyYetLower),
              })}
            </Text>
          )}
          {mayUpdate && <Group grow align="flex-end">
            <Select
              label={intl.formatMessage(m.status)}
              data={labelOptions(intl, TICKET_STATUS_WORDS)}
              value={t.status}
              allowDeselect={false}
              onChange={(v) => {
                const status = chosen(TICKET_STATUSES, v);
                if (status && status !== t.status) void update.run(t.id, { status });
              }}
              data-testid="ticket-status"
            />
            <Select label={intl.formatMessage(m.priority)} data={labelOptions(intl, TICKET_PRIORITY_WORDS)} value={t.priority} allowDeselect={false} onChange={(v) => {
              const priority = chosen(TICKET_PRIORITIES, v);
              if (priority && priority !== t.priority) void update.run(t.id, { priority });
            }} />
          </Group>}
          {!mayUpdate ? null : people ? (
            <Select
              label={intl.formatMessage(m.assignedTo)}
              placeholder={intl.formatMessage(m.nobodyYet)}
              clearable
              description={intl.formatMessage(m.assigneeHelp)}
              data={people.map((p) => ({ value: p.user_id, label: `${p.name} (${p.email})` }))}
              value={t.assignee_person?.user_id ?? null}
              onChange={(v) => void update.run(t.id, { assignee_user_id: v })}
              data-testid="ticket-assignee"
            />
          ) : (
            <TextInput
              label={intl.formatMessage(m.assignedTo)}
              description={intl.formatMessage(m.assigneeNameHelp)}
              placeholder={intl.formatMessage(m.nobodyYet)}
              defaultValue={t.assignee ?? ''}
              key={`${t.id}-${t.assignee}`}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  const v = e.currentTarget.value.trim();
                  void update.run(t.id, { assignee: v || null });
                }
              }}
              data-testid="ticket-assignee"
            />
          )}
          <ErrorAlert error={update.error} />
          <div>
            <Text fw={600} size="sm" mb="xs">
              <FormattedMessage {...m.comments} />
            </Text>
            {t.comments.length === 0 ? (
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.noComments} />
              </Text>
            ) : (
              <Timeline bulletSize={20} lineWidth={2} data-testid="ticket-comments">
                {t.comments.map((c, i) => (
                  <Timeline.Item key={i} bullet={<IconMessage size={12} />} title={<Text size="sm">{c.text}</Text>}>
                    <Text size="xs" c="dimmed">
                      {c.by_name ?? intl.formatMessage(m.teamMember)}
                      {c.by_partner_name ? ` · ${c.by_partner_name}` : ''} · {formatDateTime(c.at)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            )}
          </div>
          {mayUpdate && <Textarea label={intl.formatMessage(m.addCommentLabel)} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />}
          {mayUpdate && <Group justify="flex-end">
            <Button leftSection={<IconSend size={16} />} disabled={!comment.trim()} loading={update.busy} onClick={() => void update.run(t.id, { comment: comment.trim() })}>
              <FormattedMessage {...m.addComment} />
            </Button>
          </Group>}
        </Stack>
      )}
    </Drawer>
  );
}

export { LabelBadge };
