/** Invite someone to a tenant or a partner by email, with a role. They join when they accept. */
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import type { Action } from '../query/query.ts';
import { email, required, useApiForm } from '../query/form.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  emailRequired: { id: 'components.invite_member.email_required', defaultMessage: 'Enter the email address of the person to invite.' },
  roleRequired: { id: 'components.invite_member.role_required', defaultMessage: 'Choose a role.' },
  email: { id: 'components.invite_member.email', defaultMessage: 'Email' },
  role: { id: 'components.invite_member.role', defaultMessage: 'Role' },
  how: {
    id: 'components.invite_member.how',
    defaultMessage:
      'You get a one-time invitation link to send them, shown once. They join when they accept it — with a new account, or by logging in to the one they already have.',
  },
  failed: { id: 'components.invite_member.failed', defaultMessage: 'Nobody was invited' },
  cancel: { id: 'components.invite_member.cancel', defaultMessage: 'Cancel' },
  invite: { id: 'components.invite_member.invite', defaultMessage: 'Invite' },
});

export interface InviteInput {
  email: string;
  role: string;
}

export function InviteMemberModal({
  opened,
  onClose,
  title,
  roles,
  defaultRole,
  action,
}: {
  opened: boolean;
  onClose(): void;
  title: string;
  roles: { value: string; label: string; description: string }[];
  defaultRole: string;
  action: Action<[InviteInput], unknown>;
}) {
  const intl = useIntl();
  const form = useApiForm<InviteInput>(
    {
      initialValues: { email: '', role: defaultRole },
      validate: { email: (v) => required(v, intl.formatMessage(m.emailRequired)) ?? email(v, intl), role: (v) => required(v, intl.formatMessage(m.roleRequired)) },
    },
    action,
    { resetWhen: opened },
  );
  const role = form.values.role;
  const roleInfo = roles.find((r) => r.value === role);
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form noValidate onSubmit={form.submit((v) => action.run({ email: v.email.trim(), role: v.role }))}>
        <Stack>
          <TextInput label={intl.formatMessage(m.email)} type="email" withAsterisk {...form.getInputProps('email')} data-autofocus />
          <Select label={intl.formatMessage(m.role)} withAsterisk data={roles.map((r) => ({ value: r.value, label: r.label }))} {...form.getInputProps('role')} allowDeselect={false} />
          {roleInfo && (
            <Text size="sm" c="dimmed">
              {roleInfo.description}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {intl.formatMessage(m.how)}
          </Text>
          <ErrorAlert error={action.error} title={intl.formatMessage(m.failed)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {intl.formatMessage(m.cancel)}
            </Button>
            <Button type="submit" loading={action.busy} leftSection={<IconSend size={16} />}>
              {intl.formatMessage(m.invite)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
