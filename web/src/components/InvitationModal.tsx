/** After inviting someone: the one-time invitation link to hand over. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { InvitationLink } from '../api/index.ts';
import { formatDateTime } from './format.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';

export interface PendingInvitation {
  email: string;
  what: string;
  link: InvitationLink;
}

export function InvitationModal({ invitation, onClose }: { invitation: PendingInvitation | null; onClose: () => void }) {
  return (
    <Modal opened={!!invitation} onClose={onClose} title="Invitation sent" size="lg" closeOnClickOutside={false}>
      {invitation && (
        <Stack>
          <Text size="sm">
            Partnergate e-mails this link to <b>{invitation.email}</b> (you can also hand it over yourself). They join {invitation.what} when they accept it:
            someone new chooses a name and password, someone with an account logs in. The link works once and expires {formatDateTime(invitation.link.expires_at)}.
          </Text>
          <OneTimeSecret
            label="Invitation link"
            value={invitation.link.url}
            hint="This link is shown only once. Copy it now — if it is lost, withdraw the invitation and invite them again."
          />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
