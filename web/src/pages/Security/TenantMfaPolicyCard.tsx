/** Tenant admins: require partner people acting on this tenant to have signed in with a second factor. */
import { Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { security } from '../../api/security.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { securityKeys } from '../../api/keys/security.ts';

export function TenantMfaPolicyCard({ tenantId }: { tenantId: string }) {
  const policy = useApiQuery(securityKeys.tenantPolicy(tenantId), () => security.tenantPolicy(tenantId));
  const set = useApiMutation((required: boolean) => security.setTenantPolicy(tenantId, required), {
    success: (r) => (r.partner_people_required ? 'Partner people now need two-step verification to act on your data.' : 'Two-step verification is no longer required of partner people.'),
    onDone: (r) => policy.setData(r),
    invalidates: [securityKeys.tenantPolicy(tenantId)],
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="tenant-mfa-policy">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <IconShieldLock size={20} style={{ flexShrink: 0, marginTop: 2 }} />
            <Stack gap={2}>
              <Text fw={500}>Partner people must use two-step verification</Text>
              <Text size="sm" c="dimmed">
                When on, a partner's staff can act on your data only after signing in with an authenticator app or a passkey. It applies from their next request.
              </Text>
            </Stack>
          </Group>
          <Switch
            aria-label="Partner people must use two-step verification"
            checked={policy.data?.partner_people_required ?? false}
            disabled={!policy.data || set.busy}
            onChange={(e) => void set.run(e.currentTarget.checked)}
            size="md"
          />
        </Group>
        <ErrorAlert error={set.error ?? policy.error} />
      </Stack>
    </Paper>
  );
}
