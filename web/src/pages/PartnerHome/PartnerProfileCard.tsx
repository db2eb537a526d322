/** A partner's profile, with an edit form for those allowed (owner, operator). */
import { useEffect, useState, type ReactNode } from 'react';
import { email, required, useApiForm, webAddress } from '../../query/form.ts';
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { api, type PartnerDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { FormActions } from '../../components/FormActions.tsx';

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function PartnerProfileCard({ partner, canEdit, onSaved }: { partner: PartnerDto; canEdit: boolean; onSaved(p: PartnerDto): void }) {
  const [editing, setEditing] = useState(false);
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack>
        <Group justify="space-between">
          <Title order={4}>Profile</Title>
          {canEdit && (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)}>
              Edit profile
            </Button>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Item label="Name">{partner.name}</Item>
          <Item label="Slug">
            <code>{partner.slug}</code>
          </Item>
          <Item label="Website">
            {partner.website ? (
              <Anchor href={partner.website} target="_blank" rel="noreferrer noopener">
                {partner.website}
              </Anchor>
            ) : (
              '—'
            )}
          </Item>
          <Item label="Contact email">{partner.contact_email}</Item>
          <Item label="Capabilities">
            {partner.capabilities.length ? (
              <Group gap={4}>
                {partner.capabilities.map((c) => (
                  <Badge key={c} variant="light">
                    {capabilityLabel(c)}
                  </Badge>
                ))}
              </Group>
            ) : (
              'none granted yet'
            )}
          </Item>
          <Item label="Asked for">
            {partner.requested_capabilities.length ? partner.requested_capabilities.map(capabilityLabel).join(', ') : '—'}
          </Item>
          <Item label="Applied">{formatDate(partner.applied_at)}</Item>
          <Item label="Approved">{formatDate(partner.approved_at)}</Item>
        </SimpleGrid>
        <Item label="Description">{partner.description || '—'}</Item>
      </Stack>
      <EditProfileModal partner={partner} opened={editing} onClose={() => setEditing(false)} onSaved={(p) => { setEditing(false); onSaved(p); }} />
    </Paper>
  );
}

function EditProfileModal({ partner, opened, onClose, onSaved }: { partner: PartnerDto; opened: boolean; onClose(): void; onSaved(p: PartnerDto): void }) {
  type Values = { name: string; website: string; contact_email: string; description: string };
  const save = useApiMutation(
    (f: Values) =>
      api.partners.update(partner.id, {
        name: f.name.trim(),
        website: f.website.trim() || null,
        contact_email: f.contact_email.trim(),
        description: f.description.trim() || null,
      }),
    { success: 'Profile saved.', onDone: onSaved },
  );
  const form = useApiForm<Values>(
    {
      initialValues: { name: '', website: '', contact_email: '', description: '' },
      validate: {
        name: (v) => required(v, 'Enter the partner’s name.'),
        website: (v) => webAddress(v),
        contact_email: (v) => required(v, 'Enter a contact email address.') ?? email(v),
      },
    },
    save,
    { resetWhen: opened },
  );
  // Each opening starts from the saved profile.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opened) form.setValues({ name: partner.name, website: partner.website ?? '', contact_email: partner.contact_email, description: partner.description ?? '' });
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title="Edit profile" size="lg">
      <form noValidate onSubmit={form.submit((v) => save.run(v))}>
        <Stack>
          <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
          <TextInput label="Website" placeholder="https://…" {...form.getInputProps('website')} />
          <TextInput label="Contact email" type="email" withAsterisk {...form.getInputProps('contact_email')} />
          <Textarea label="Description" autosize minRows={3} {...form.getInputProps('description')} />
          <ErrorAlert error={save.error} />
          <FormActions onCancel={onClose} busy={save.busy} />
        </Stack>
      </form>
    </Modal>
  );
}
