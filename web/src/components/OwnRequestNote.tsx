/**
 * In place of an Approve button, for the person who asked for the request themselves (someone
 * who is both a partner member and an admin of the tenant): whoever asks for an activation or a
 * renewal can never approve it (the server refuses with self_approval_forbidden), so another
 * admin of the tenant must. If there is none, the request waits until there is.
 */
import { Text } from '@mantine/core';

export function OwnRequestNote({ tenantName }: { tenantName: string }) {
  return (
    <Text size="xs" c="dimmed" data-testid="own-request-note">
      You asked for this; another admin of {tenantName} must approve it. It waits until one does.
    </Text>
  );
}
