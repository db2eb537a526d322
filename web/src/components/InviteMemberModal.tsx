/** Invite someone to a tenant or a partner by email, with a role. They join when they accept. */
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import type { Action } from '../query/query.ts';
import { email, required, useApiForm } from '../query/form.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

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
  const form = useApiForm<InviteInput>(
    {
      initialValues: { email: '', role: defaultRole },
      validate: { email: (v) => required(v, 'Enter the email address of the person to invite.') ?? email(v), role: (v) => required(v, 'Choose a role.') },
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
          <TextInput label="Email" type="email" withAsterisk {...form.getInputProps('email')} data-autofocus />
          <Select label="Role" withAsterisk data={roles.map((r) => ({ value: r.value, label: r.label }))} {...form.getInputProps('role')} allowDeselect={false} />
          {roleInfo && (
            <Text size="sm" c="dimmed">
              {roleInfo.description}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            You get a one-time invitation link to send them, shown once. They join when they accept it — with a new account, or by logging in to the one
            they already have.
          </Text>
          <ErrorAlert error={action.error} title="Nobody was invited" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.busy} leftSection={<IconSend size={16} />}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
