/**
 * A link's relationship details — the contract reference, the people to call and notes — as both
 * sides see and keep them: the partner on its customer's page, the tenant admin on the partner's
 * access page. Each side saves through its own route; the server decides who may (can_edit here is
 * only whether to offer the button), and a refusal shows at the field it is about.
 */
import { useState } from 'react';
import { ActionIcon, Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import type { RelationshipBody, RelationshipDto } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiForm } from '../../query/form.ts';
import type { QueryKey } from '@tanstack/react-query';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

interface Contact {
  name: string;
  role: string;
  email: string;
  phone: string;
}

interface Values {
  contract_reference: string;
  notes: string;
  contacts: Contact[];
}

export interface RelationshipPanelProps {
  /** the cache key of this link's details */
  queryKey: QueryKey;
  load(): Promise<RelationshipDto>;
  save(body: RelationshipBody): Promise<RelationshipDto>;
  /** whose page this is: the words name the other side */
  side: 'partner' | 'tenant';
  counterpart: string;
  canEdit: boolean;
}

const toValues = (r: RelationshipDto): Values => ({
  contract_reference: r.contract_reference ?? '',
  notes: r.notes ?? '',
  contacts: r.contacts.map((c) => ({ name: c.name, role: c.role ?? '', email: c.email ?? '', phone: c.phone ?? '' })),
});

export function RelationshipPanel({ queryKey, load, save, side, counterpart, canEdit }: RelationshipPanelProps) {
  // the other side edits these too: asked afresh each time the panel opens, not from a copy a few seconds old
  const q = useApiQuery(queryKey, load, { staleTime: 0 });
  const [editing, setEditing] = useState(false);
  const r = q.data;
  const sideName = r?.updated_by_side ? (r.updated_by_side === side ? 'your side' : counterpart) : null;
  // the person by name, with the side they act for; the side alone when the person is gone
  const changedBy = r?.updated_by_name ? `${r.updated_by_name} (${sideName})` : sideName;
  return (
    <Paper withBorder radius="md" p="md" data-testid="relationship-details">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0, flex: '1 1 240px' }}>
            <Title order={4}>Relationship details</Title>
            <Text size="sm" c="dimmed">
              The contract, the people to call and notes about this relationship. {counterpart} sees and may change the same details.
            </Text>
          </div>
          {canEdit && r && !editing && (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)} data-testid="edit-relationship">
              Change
            </Button>
          )}
        </Group>
        <ErrorAlert error={q.error} />
        {!r && !q.error && <Text size="sm" c="dimmed">Loading the relationship details…</Text>}
        {r && !editing && (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <div>
                <Text size="xs" c="dimmed">
                  Contract reference
                </Text>
                <Text size="sm" data-testid="relationship-contract">
                  {r.contract_reference ?? 'None recorded yet'}
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Last changed
                </Text>
                <Text size="sm">{r.updated_at ? `${formatDateTime(r.updated_at)} by ${changedBy}` : 'Never'}</Text>
              </div>
            </SimpleGrid>
            <div>
              <Text size="xs" c="dimmed" mb={4}>
                Contacts
              </Text>
              {r.contacts.length === 0 ? (
                <Text size="sm">No contacts recorded yet.</Text>
              ) : (
                <Stack gap={6} data-testid="relationship-contacts">
                  {r.contacts.map((c, i) => (
                    <Text size="sm" key={i} style={{ overflowWrap: 'anywhere' }}>
                      <b>{c.name}</b>
                      {c.role ? `, ${c.role}` : ''}
                      {c.email && (
                        <>
                          {' · '}
                          <Anchor href={`mailto:${c.email}`} size="sm">
                            {c.email}
                          </Anchor>
                        </>
                      )}
                      {c.phone ? ` · ${c.phone}` : ''}
                    </Text>
                  ))}
                </Stack>
              )}
            </div>
            <div>
              <Text size="xs" c="dimmed">
                Notes
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="relationship-notes">
                {r.notes ?? 'No notes yet.'}
              </Text>
            </div>
          </Stack>
        )}
        {r && editing && (
          <RelationshipForm
            current={r}
            save={save}
            onCancel={() => setEditing(false)}
            onSaved={(next) => {
              q.setData(next);
              setEditing(false);
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}

function RelationshipForm({ current, save, onCancel, onSaved }: { current: RelationshipDto; save: RelationshipPanelProps['save']; onCancel(): void; onSaved(r: RelationshipDto): void }) {
  const mutation = useApiMutation(
    (v: Values) =>
      save({
        contract_reference: v.contract_reference.trim() || null,
        notes: v.notes.trim() || null,
        contacts: v.contacts.map((c) => ({ name: c.name, role: c.role || null, email: c.email || null, phone: c.phone || null })),
        expected_version: current.version,
      }),
    { success: 'Relationship details saved. Both sides see them now.', onDone: onSaved },
  );
  const form = useApiForm<Values>(
    {
      initialValues: toValues(current),
      validate: {
        contacts: {
          name: (v) => (v.trim() ? undefined : 'Give the contact a name.'),
          email: (v, all, path) => {
            const i = Number(path.split('.')[1]);
            const c = all.contacts[i];
            if (v.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())) return 'This is not an e-mail address.';
            return c && !v.trim() && !c.phone.trim() ? 'Give an e-mail address or a phone number.' : undefined;
          },
        },
      },
    },
    mutation,
  );
  return (
    <form noValidate onSubmit={form.submit((v) => mutation.run(v))}>
      <Stack gap="sm">
        <TextInput label="Contract reference" description="The contract or order form this relationship works under" maxLength={100} {...form.getInputProps('contract_reference')} />
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Contacts
          </Text>
          {form.values.contacts.map((_, i) => (
            <Paper key={i} withBorder p="sm" radius="sm" data-testid="contact-row">
              <Group justify="space-between" mb={4}>
                <Text size="xs" c="dimmed">
                  Contact {i + 1}
                </Text>
                <ActionIcon variant="subtle" color="red" aria-label={`Remove contact ${i + 1}`} onClick={() => form.removeListItem('contacts', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <TextInput label="Name" withAsterisk maxLength={120} {...form.getInputProps(`contacts.${i}.name`)} />
                <TextInput label="Role" placeholder="e.g. Account manager" maxLength={120} {...form.getInputProps(`contacts.${i}.role`)} />
                <TextInput label="E-mail address" type="email" maxLength={254} {...form.getInputProps(`contacts.${i}.email`)} />
                <TextInput label="Phone" type="tel" maxLength={40} {...form.getInputProps(`contacts.${i}.phone`)} />
              </SimpleGrid>
            </Paper>
          ))}
          <Group>
            <Button variant="default" size="xs" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('contacts', { name: '', role: '', email: '', phone: '' })} disabled={form.values.contacts.length >= 20}>
              Add a contact
            </Button>
          </Group>
        </Stack>
        <Textarea label="Notes" autosize minRows={3} maxLength={4000} {...form.getInputProps('notes')} />
        <ErrorAlert error={mutation.error} />
        <FormActions onCancel={onCancel} busy={mutation.busy} submitLabel="Save details" />
      </Stack>
    </form>
  );
}
