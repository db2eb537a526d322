/**
 * A link's relationship details — the contract reference, the people to call and notes — as both
 * sides see and keep them: the partner on its customer's page, the tenant admin on the partner's
 * access page. Each side saves through its own route; the server decides who may (can_edit here is
 * only whether to offer the button), and a refusal shows at the field it is about.
 */
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { ActionIcon, Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import type { RelationshipBody, RelationshipDto } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiForm } from '../../query/form.ts';
import type { QueryKey } from '@tanstack/react-query';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  yourSide: { id: 'delegations.relationship.your_side', defaultMessage: 'your side' },
  personAndSide: { id: 'delegations.relationship.person_and_side', defaultMessage: '{person} ({side})' },
  title: { id: 'delegations.relationship.title', defaultMessage: 'Relationship details' },
  intro: {
    id: 'delegations.relationship.intro',
    defaultMessage: 'The contract, the people to call and notes about this relationship. {counterpart} sees and may change the same details.',
  },
  change: { id: 'delegations.relationship.change', defaultMessage: 'Change' },
  loading: { id: 'delegations.relationship.loading', defaultMessage: 'Loading the relationship details…' },
  contract: { id: 'delegations.relationship.contract', defaultMessage: 'Contract reference' },
  noneRecorded: { id: 'delegations.relationship.contract_none', defaultMessage: 'None recorded yet' },
  lastChanged: { id: 'delegations.relationship.last_changed', defaultMessage: 'Last changed' },
  changedAtBy: { id: 'delegations.relationship.changed_at_by', defaultMessage: '{when} by {who}' },
  never: { id: 'delegations.relationship.never', defaultMessage: 'Never' },
  contacts: { id: 'delegations.relationship.contacts', defaultMessage: 'Contacts' },
  noContacts: { id: 'delegations.relationship.no_contacts', defaultMessage: 'No contacts recorded yet.' },
  notes: { id: 'delegations.relationship.notes', defaultMessage: 'Notes' },
  noNotes: { id: 'delegations.relationship.no_notes', defaultMessage: 'No notes yet.' },
  saved: { id: 'delegations.relationship.saved', defaultMessage: 'Relationship details saved. Both sides see them now.' },
  nameRequired: { id: 'delegations.relationship.contact.name_required', defaultMessage: 'Give the contact a name.' },
  notEmail: { id: 'delegations.relationship.contact.not_email', defaultMessage: 'This is not an e-mail address.' },
  emailOrPhone: { id: 'delegations.relationship.contact.email_or_phone', defaultMessage: 'Give an e-mail address or a phone number.' },
  contractHint: { id: 'delegations.relationship.contract_hint', defaultMessage: 'The contract or order form this relationship works under' },
  contactN: { id: 'delegations.relationship.contact.number', defaultMessage: 'Contact {number}' },
  removeContact: { id: 'delegations.relationship.contact.remove', defaultMessage: 'Remove contact {number}' },
  name: { id: 'delegations.relationship.contact.name', defaultMessage: 'Name' },
  role: { id: 'delegations.relationship.contact.role', defaultMessage: 'Role' },
  rolePlaceholder: { id: 'delegations.relationship.contact.role_placeholder', defaultMessage: 'e.g. Account manager' },
  email: { id: 'delegations.relationship.contact.email', defaultMessage: 'E-mail address' },
  phone: { id: 'delegations.relationship.contact.phone', defaultMessage: 'Phone' },
  addContact: { id: 'delegations.relationship.contact.add', defaultMessage: 'Add a contact' },
  save: { id: 'delegations.relationship.save', defaultMessage: 'Save details' },
});

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
  const intl = useIntl();
  const q = useApiQuery(queryKey, load, { staleTime: 0 });
  const [editing, setEditing] = useState(false);
  const r = q.data;
  const sideName = r?.updated_by_side ? (r.updated_by_side === side ? intl.formatMessage(m.yourSide) : counterpart) : null;
  // the person by name, with the side they act for; the side alone when the person is gone
  const changedBy = r?.updated_by_name ? intl.formatMessage(m.personAndSide, { person: r.updated_by_name, side: sideName }) : sideName;
  return (
    <Paper withBorder radius="md" p="md" data-testid="relationship-details">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0, flex: '1 1 240px' }}>
            <Title order={3} size="h4">{intl.formatMessage(m.title)}</Title>
            <Text size="sm" c="dimmed">
              {intl.formatMessage(m.intro, { counterpart })}
            </Text>
          </div>
          {canEdit && r && !editing && (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)} data-testid="edit-relationship">
              {intl.formatMessage(m.change)}
            </Button>
          )}
        </Group>
        <ErrorAlert error={q.error} />
        {!r && !q.error && <Text size="sm" c="dimmed">{intl.formatMessage(m.loading)}</Text>}
        {r && !editing && (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <div>
                <Text size="xs" c="dimmed">
                  {intl.formatMessage(m.contract)}
                </Text>
                <Text size="sm" data-testid="relationship-contract">
                  {r.contract_reference ?? intl.formatMessage(m.noneRecorded)}
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {intl.formatMessage(m.lastChanged)}
                </Text>
                <Text size="sm">{r.updated_at ? intl.formatMessage(m.changedAtBy, { when: formatDateTime(r.updated_at), who: changedBy }) : intl.formatMessage(m.never)}</Text>
              </div>
            </SimpleGrid>
            <div>
              <Text size="xs" c="dimmed" mb={4}>
                {intl.formatMessage(m.contacts)}
              </Text>
              {r.contacts.length === 0 ? (
                <Text size="sm">{intl.formatMessage(m.noContacts)}</Text>
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
                {intl.formatMessage(m.notes)}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="relationship-notes">
                {r.notes ?? intl.formatMessage(m.noNotes)}
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
  const intl = useIntl();
  const mutation = useApiMutation(
    (v: Values) =>
      save({
        contract_reference: v.contract_reference.trim() || null,
        notes: v.notes.trim() || null,
        contacts: v.contacts.map((c) => ({ name: c.name, role: c.role || null, email: c.email || null, phone: c.phone || null })),
        expected_version: current.version,
      }),
    { success: intl.formatMessage(m.saved), onDone: onSaved },
  );
  const form = useApiForm<Values>(
    {
      initialValues: toValues(current),
      validate: {
        contacts: {
          name: (v) => (v.trim() ? undefined : intl.formatMessage(m.nameRequired)),
          email: (v, all, path) => {
            const i = Number(path.split('.')[1]);
            const c = all.contacts[i];
            if (v.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())) return intl.formatMessage(m.notEmail);
            return c && !v.trim() && !c.phone.trim() ? intl.formatMessage(m.emailOrPhone) : undefined;
          },
        },
      },
    },
    mutation,
  );
  return (
    <form noValidate onSubmit={form.submit((v) => mutation.run(v))}>
      <Stack gap="sm">
        <TextInput label={intl.formatMessage(m.contract)} description={intl.formatMessage(m.contractHint)} maxLength={100} {...form.getInputProps('contract_reference')} />
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {intl.formatMessage(m.contacts)}
          </Text>
          {form.values.contacts.map((_, i) => (
            <Paper key={i} withBorder p="sm" radius="sm" data-testid="contact-row">
              <Group justify="space-between" mb={4}>
                <Text size="xs" c="dimmed">
                  {intl.formatMessage(m.contactN, { number: i + 1 })}
                </Text>
                <ActionIcon variant="subtle" color="red" aria-label={intl.formatMessage(m.removeContact, { number: i + 1 })} onClick={() => form.removeListItem('contacts', i)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <TextInput label={intl.formatMessage(m.name)} withAsterisk maxLength={120} {...form.getInputProps(`contacts.${i}.name`)} />
                <TextInput label={intl.formatMessage(m.role)} placeholder={intl.formatMessage(m.rolePlaceholder)} maxLength={120} {...form.getInputProps(`contacts.${i}.role`)} />
                <TextInput label={intl.formatMessage(m.email)} type="email" maxLength={254} {...form.getInputProps(`contacts.${i}.email`)} />
                <TextInput label={intl.formatMessage(m.phone)} type="tel" maxLength={40} {...form.getInputProps(`contacts.${i}.phone`)} />
              </SimpleGrid>
            </Paper>
          ))}
          <Group>
            <Button variant="default" size="xs" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('contacts', { name: '', role: '', email: '', phone: '' })} disabled={form.values.contacts.length >= 20}>
              {intl.formatMessage(m.addContact)}
            </Button>
          </Group>
        </Stack>
        <Textarea label={intl.formatMessage(m.notes)} autosize minRows={3} maxLength={4000} {...form.getInputProps('notes')} />
        <ErrorAlert error={mutation.error} />
        <FormActions onCancel={onCancel} busy={mutation.busy} submitLabel={intl.formatMessage(m.save)} />
      </Stack>
    </form>
  );
}
