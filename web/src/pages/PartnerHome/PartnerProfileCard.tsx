/** A partner's profile, with an edit form for those allowed (owner, operator). */
import { useEffect, useState, type ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { email, required, useApiForm, webAddress } from '../../query/form.ts';
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { api, type PartnerDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { capabilityLabel, formatDate } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  profile: { id: 'partner_home.profile.title', defaultMessage: 'Profile' },
  edit: { id: 'partner_home.profile.edit', defaultMessage: 'Edit profile' },
  name: { id: 'partner_home.profile.name', defaultMessage: 'Name' },
  slug: { id: 'partner_home.profile.slug', defaultMessage: 'Slug' },
  website: { id: 'partner_home.profile.website', defaultMessage: 'Website' },
  websitePlaceholder: { id: 'partner_home.profile.website.placeholder', defaultMessage: 'https://…' },
  contactEmail: { id: 'partner_home.profile.contact_email', defaultMessage: 'Contact email' },
  capabilities: { id: 'partner_home.profile.capabilities', defaultMessage: 'Capabilities' },
  noneGranted: { id: 'partner_home.profile.capabilities.none', defaultMessage: 'none granted yet' },
  askedFor: { id: 'partner_home.profile.asked_for', defaultMessage: 'Asked for' },
  applied: { id: 'partner_home.profile.applied', defaultMessage: 'Applied' },
  approved: { id: 'partner_home.profile.approved', defaultMessage: 'Approved' },
  description: { id: 'partner_home.profile.description', defaultMessage: 'Description' },
  saved: { id: 'partner_home.profile.saved', defaultMessage: 'Profile saved.' },
  nameRequired: { id: 'partner_home.profile.name_required', defaultMessage: 'Enter the partner’s name.' },
  emailRequired: { id: 'partner_home.profile.contact_email_required', defaultMessage: 'Enter a contact email address.' },
});

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
  const intl = useIntl();
  const [editing, setEditing] = useState(false);
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4">
            <FormattedMessage {...m.profile} />
          </Title>
          {canEdit && (
            <Button variant="light" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)}>
              <FormattedMessage {...m.edit} />
            </Button>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Item label={intl.formatMessage(m.name)}>{partner.name}</Item>
          <Item label={intl.formatMessage(m.slug)}>
            <code>{partner.slug}</code>
          </Item>
          <Item label={intl.formatMessage(m.website)}>
            {partner.website ? (
              <Anchor href={partner.website} target="_blank" rel="noreferrer noopener">
                {partner.website}
              </Anchor>
            ) : (
              '—'
            )}
          </Item>
          <Item label={intl.formatMessage(m.contactEmail)}>{partner.contact_email}</Item>
          <Item label={intl.formatMessage(m.capabilities)}>
            {partner.capabilities.length ? (
              <Group gap={4}>
                {partner.capabilities.map((c) => (
                  <Badge key={c} variant="light">
                    {capabilityLabel(c)}
                  </Badge>
                ))}
              </Group>
            ) : (
              intl.formatMessage(m.noneGranted)
            )}
          </Item>
          <Item label={intl.formatMessage(m.askedFor)}>
            {partner.requested_capabilities.length ? partner.requested_capabilities.map(capabilityLabel).join(', ') : '—'}
          </Item>
          <Item label={intl.formatMessage(m.applied)}>{formatDate(partner.applied_at)}</Item>
          <Item label={intl.formatMessage(m.approved)}>{formatDate(partner.approved_at)}</Item>
        </SimpleGrid>
        <Item label={intl.formatMessage(m.description)}>{partner.description || '—'}</Item>
      </Stack>
      <EditProfileModal partner={partner} opened={editing} onClose={() => setEditing(false)} onSaved={(p) => { setEditing(false); onSaved(p); }} />
    </Paper>
  );
}

function EditProfileModal({ partner, opened, onClose, onSaved }: { partner: PartnerDto; opened: boolean; onClose(): void; onSaved(p: PartnerDto): void }) {
  type Values = { name: string; website: string; contact_email: string; description: string };
  const intl = useIntl();
  const save = useApiMutation(
    (f: Values) =>
      api.partners.update(partner.id, {
        name: f.name.trim(),
        website: f.website.trim() || null,
        contact_email: f.contact_email.trim(),
        description: f.description.trim() || null,
      }),
    { success: intl.formatMessage(m.saved), onDone: onSaved },
  );
  const form = useApiForm<Values>(
    {
      initialValues: { name: '', website: '', contact_email: '', description: '' },
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        website: (v) => webAddress(v, intl),
        contact_email: (v) => required(v, intl.formatMessage(m.emailRequired)) ?? email(v, intl),
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
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.edit)} size="lg">
      <form noValidate onSubmit={form.submit((v) => save.run(v))}>
        <Stack>
          <TextInput label={intl.formatMessage(m.name)} withAsterisk {...form.getInputProps('name')} />
          <TextInput label={intl.formatMessage(m.website)} placeholder={intl.formatMessage(m.websitePlaceholder)} {...form.getInputProps('website')} />
          <TextInput label={intl.formatMessage(m.contactEmail)} type="email" withAsterisk {...form.getInputProps('contact_email')} />
          <Textarea label={intl.formatMessage(m.description)} autosize minRows={3} {...form.getInputProps('description')} />
          <ErrorAlert error={save.error} />
          <FormActions onCancel={onClose} busy={save.busy} />
        </Stack>
      </form>
    </Modal>
  );
}
