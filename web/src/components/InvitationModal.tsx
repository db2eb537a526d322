/** After inviting someone: the one-time invitation link to hand over. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { InvitationLink } from '../api/index.ts';
import { formatDateTime } from './format.ts';
import { OneTimeSecret } from './OneTimeSecret.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  title: { id: 'components.invitation_modal.title', defaultMessage: 'Invitation sent' },
  body: {
    id: 'components.invitation_modal.body',
    defaultMessage:
      'Partnergate e-mails this link to <b>{email}</b> (you can also hand it over yourself). They join {what} when they accept it: someone new chooses a name and password, someone with an account logs in. The link works once and expires {expires}.',
  },
  link: { id: 'components.invitation_modal.link', defaultMessage: 'Invitation link' },
  hint: {
    id: 'components.invitation_modal.hint',
    defaultMessage: 'This link is shown only once. Copy it now — if it is lost, withdraw the invitation and invite them again.',
  },
  done: { id: 'components.invitation_modal.done', defaultMessage: 'Done' },
});

export interface PendingInvitation {
  email: string;
  what: string;
  link: InvitationLink;
}

export function InvitationModal({ invitation, onClose }: { invitation: PendingInvitation | null; onClose: () => void }) {
  const intl = useIntl();
  return (
    <Modal opened={!!invitation} onClose={onClose} title={intl.formatMessage(m.title)} size="lg" closeOnClickOutside={false}>
      {invitation && (
        <Stack>
          <Text size="sm">
            <FormattedMessage
              {...m.body}
              values={{ b: (chunks) => <b>{chunks}</b>, email: invitation.email, what: invitation.what, expires: formatDateTime(invitation.link.expires_at) }}
            />
          </Text>
          <OneTimeSecret
            label={intl.formatMessage(m.link)}
            value={invitation.link.url}
            hint={intl.formatMessage(m.hint)}
          />
          <Group justify="flex-end">
            <Button onClick={onClose}>{intl.formatMessage(m.done)}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
