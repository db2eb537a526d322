/** A partner's profile, with an edit form for those allowed (owner, operator). */
import { useEffect, useState, type ReactNode } from 'react';
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { api, type PartnerDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';

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
      <EditProfileModal partner={partner} opened={editing} onClose={() => setEditing(false)} onSaved={(p) => (setEditing(false), onSaved(p))} />
    </Paper>
  );
}

function EditProfileModal({ partner, opened, onClose, onSaved }: { partner: PartnerDto; opened: boolean; onClose(): void; onSaved(p: PartnerDto): void }) {
  const [f, setF] = useState({ name: '', website: '', contact_email: '', description: '' });
  const save = useApiMutation(
    () =>
      api.partners.update(partner.id, {
        name: f.name.trim(),
        website: f.website.trim() || null,
        contact_email: f.contact_email.trim(),
        description: f.description.trim() || null,
      }),
    { success: 'Profile saved.', onDone: onSaved },
  );
  useEffect(() => {
    if (opened) {
      setF({ name: partner.name, website: partner.website ?? '', contact_email: partner.contact_email, description: partner.description ?? '' });
      save.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened]);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((prev) => ({ ...prev, [k]: v }));
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Edit profile" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Stack>
          <TextInput label="Name" required value={f.name} onChange={set('name')} error={save.fieldError('name')} />
          <TextInput label="Website" placeholder="https://…" value={f.website} onChange={set('website')} error={save.fieldError('website')} />
          <TextInput label="Contact email" type="email" required value={f.contact_email} onChange={set('contact_email')} error={save.fieldError('contact_email')} />
          <Textarea label="Description" autosize minRows={3} value={f.description} onChange={set('description')} error={save.fieldError('description')} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
