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
import { LabelBadge, PersonText, TICKET_CATEGORIES, TICKET_CATEGORY, TICKET_PRIORITIES, TICKET_PRIORITY, TICKET_STATUS, TICKET_STATUSES, chosen } from './shared.tsx';
import { WriteConfirmationNote } from '../../components/WriteConfirmationNote.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { mspKeys } from '../../api/keys/msp.ts';

const options = (m: Record<string, { label: string } | string>) => Object.entries(m).map(([value, x]) => ({ value, label: typeof x === 'string' ? x : x.label }));

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
  const open = useApiMutation((b: NewTicket) => mspApi.openTicket(b), { success: (t) => `Ticket ${t.number} opened for ${t.tenant_name ?? customers.find((c) => c.id === t.tenant_id)?.name ?? 'the customer'}.`, onDone });
  const form = useApiForm<TicketValues>(
    {
      initialValues: { tenant_id: tenantId ?? null, subject: '', description: '', category: 'technical', priority: 'normal' },
      validate: {
        tenant_id: (v) => required(v, 'Choose the customer the ticket is for.'),
        subject: (v) => required(v, 'Say in a few words what the ticket is about.'),
        description: (v) => required(v, 'Describe the problem or the request.'),
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
    <Modal opened={opened} onClose={onClose} title="Open a ticket for a customer" size="lg">
      <form
        noValidate
        onSubmit={form.submit((v) =>
          open.run({ tenant_id: v.tenant_id!, subject: v.subject.trim(), description: v.description.trim(), category: chosen(TICKET_CATEGORIES, v.category), priority: chosen(TICKET_PRIORITIES, v.priority) }),
        )}
      >
        <Stack>
          <Select label="Customer" withAsterisk searchable data={customers.map((c) => ({ value: c.id, label: c.name }))} {...form.getInputProps('tenant_id')} data-testid="ticket-customer" />
          <TextInput label="Subject" withAsterisk {...form.getInputProps('subject')} />
          <Textarea label="Description" withAsterisk autosize minRows={3} {...form.getInputProps('description')} />
          <Group grow>
            <Select label="Category" data={options(TICKET_CATEGORY)} {...form.getInputProps('category')} allowDeselect={false} />
            <Select label="Priority" data={options(TICKET_PRIORITY)} {...form.getInputProps('priority')} allowDeselect={false} />
          </Group>
          <Text size="xs" c="dimmed">
            The customer sees the ticket in its own portal, with your name as the person who opened it.
          </Text>
          <ErrorAlert error={open.error} />
          <FormActions onCancel={onClose} busy={open.busy} submitLabel="Open ticket" />
        </Stack>
      </form>
    </Modal>
  );
}

/** One ticket: its details, history of comments, and the changes the member may make. */
export function TicketDrawer({ ticket, onClose, onChanged }: { ticket: Ticket | null; onClose(): void; onChanged(t: Ticket): void }) {
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
    success: (t) => (t.confirmation?.state === 'waiting' ? `Sent to ${t.confirmation.provider_name}; it shows as waiting until they confirm it.` : 'Ticket updated.'),
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
    <Drawer opened={!!t} onClose={onClose} position="right" size="lg" closeButtonProps={{ 'aria-label': 'Close the ticket' }} title={t ? `Ticket ${t.number}` : ''} data-testid="ticket-drawer">
      {t && (
        <Stack>
          <div>
            <Text fw={600}>{t.subject}</Text>
            <Text size="sm" c="dimmed">
              {t.tenant_name ?? ''} · opened {formatDateTime(t.created_at)}
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
              Opened by
            </Text>
            <PersonText person={t.opened_by_person} actor={t.opened_by} />
          </div>
          {!mayUpdate && (
            <Text size="sm" data-testid="ticket-readonly">
              {TICKET_STATUS[t.status]?.label ?? t.status} · {TICKET_PRIORITY[t.priority]?.label ?? t.priority} priority · assigned to {t.assignee_person?.name ?? t.assignee ?? 'nobody yet'}
            </Text>
          )}
          {mayUpdate && <Group grow align="flex-end">
            <Select
              label="Status"
              data={options(TICKET_STATUS)}
              value={t.status}
              allowDeselect={false}
              onChange={(v) => {
                const status = chosen(TICKET_STATUSES, v);
                if (status && status !== t.status) void update.run(t.id, { status });
              }}
              data-testid="ticket-status"
            />
            <Select label="Priority" data={options(TICKET_PRIORITY)} value={t.priority} allowDeselect={false} onChange={(v) => {
              const priority = chosen(TICKET_PRIORITIES, v);
              if (priority && priority !== t.priority) void update.run(t.id, { priority });
            }} />
          </Group>}
          {!mayUpdate ? null : people ? (
            <Select
              label="Assigned to"
              placeholder="Nobody yet"
              clearable
              description="Someone of your organization who handles it."
              data={people.map((p) => ({ value: p.user_id, label: `${p.name} (${p.email})` }))}
              value={t.assignee_person?.user_id ?? null}
              onChange={(v) => void update.run(t.id, { assignee_user_id: v })}
              data-testid="ticket-assignee"
            />
          ) : (
            <TextInput
              label="Assigned to"
              description="The name of the person who handles it; press Enter to save."
              placeholder="Nobody yet"
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
              Comments
            </Text>
            {t.comments.length === 0 ? (
              <Text size="sm" c="dimmed">
                No comments yet.
              </Text>
            ) : (
              <Timeline bulletSize={20} lineWidth={2} data-testid="ticket-comments">
                {t.comments.map((c, i) => (
                  <Timeline.Item key={i} bullet={<IconMessage size={12} />} title={<Text size="sm">{c.text}</Text>}>
                    <Text size="xs" c="dimmed">
                      {c.by_name ?? 'A team member'}
                      {c.by_partner_name ? ` · ${c.by_partner_name}` : ''} · {formatDateTime(c.at)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            )}
          </div>
          {mayUpdate && <Textarea label="Add a comment" autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />}
          {mayUpdate && <Group justify="flex-end">
            <Button leftSection={<IconSend size={16} />} disabled={!comment.trim()} loading={update.busy} onClick={() => void update.run(t.id, { comment: comment.trim() })}>
              Add comment
            </Button>
          </Group>}
        </Stack>
      )}
    </Drawer>
  );
}

export { LabelBadge };
