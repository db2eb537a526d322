/**
 * In place of an Approve button, for the person who asked for the request themselves (someone
 * who is both a partner member and an admin of the tenant): whoever asks for an activation or a
 * renewal can never approve it (the server refuses with self_approval_forbidden), so another
 * admin of the tenant must. If there is none, the request waits until there is.
 */
import { Text } from '@mantine/core';
import { FormattedMessage } from 'react-intl';

export function OwnRequestNote({ tenantName }: { tenantName: string }) {
  return (
    <Text size="xs" c="dimmed" data-testid="own-request-note">
      <FormattedMessage
        id="components.own_request_note.text"
        defaultMessage="You asked for this; another admin of {tenant} must approve it. It waits until one does."
        values={{ tenant: tenantName }}
      />
    </Text>
  );
}
