/** Invite someone to a tenant or a partner by email, with a role. They join when they accept. */
import { useEffect, useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import type { Action } from '../query/query.ts';
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
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(defaultRole);
  useEffect(() => {
    if (opened) {
      setEmail('');
      setRole(defaultRole);
      action.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened]);
  const roleInfo = roles.find((r) => r.value === role);
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run({ email: email.trim(), role });
        }}
      >
        <Stack>
          <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={action.fieldError('email')} data-autofocus />
          <Select label="Role" data={roles.map((r) => ({ value: r.value, label: r.label }))} value={role} onChange={(v) => v && setRole(v)} allowDeselect={false} />
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
