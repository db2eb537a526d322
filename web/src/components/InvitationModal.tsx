/** After inviting someone new: the one-time invitation link to hand over. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { InvitationLink } from '../api/index.ts';
import { formatDateTime } from './format.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';

export interface PendingInvitation {
  email: string;
  what: string;
  link: NonNullable<InvitationLink>;
}

export function InvitationModal({ invitation, onClose }: { invitation: PendingInvitation | null; onClose: () => void }) {
  return (
    <Modal opened={!!invitation} onClose={onClose} title="Invitation link created" size="lg" closeOnClickOutside={false}>
      {invitation && (
        <Stack>
          <Text size="sm">
            Send this link to <b>{invitation.email}</b> so they can join {invitation.what}. They choose their own password when they open it. The link works once
            and expires {formatDateTime(invitation.link.expires_at)}.
          </Text>
          <OneTimeSecret
            label="Invitation link"
            value={invitation.link.url}
            hint="This link is shown only once. Copy it now — if it is lost, remove the person and invite them again."
          />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
