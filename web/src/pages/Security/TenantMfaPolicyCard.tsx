/** Tenant admins: require partner people acting on this tenant to have signed in with a second factor. */
import { Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';
import { security } from '../../api/security.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { securityKeys } from '../../api/keys/security.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  nowRequired: { id: 'security.tenant_policy.now_required', defaultMessage: 'Partner people now need two-step verification to act on your data.' },
  noLongerRequired: { id: 'security.tenant_policy.no_longer_required', defaultMessage: 'Two-step verification is no longer required of partner people.' },
  label: { id: 'security.tenant_policy.label', defaultMessage: 'Partner people must use two-step verification' },
  help: {
    id: 'security.tenant_policy.help',
    defaultMessage:
      "When on, a partner's staff can act on your data only after signing in with an authenticator app or a passkey. It applies from their next request.",
  },
});

export function TenantMfaPolicyCard({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  const policy = useApiQuery(securityKeys.tenantPolicy(tenantId), () => security.tenantPolicy(tenantId));
  const set = useApiMutation((required: boolean) => security.setTenantPolicy(tenantId, required), {
    success: (r) => intl.formatMessage(r.partner_people_required ? m.nowRequired : m.noLongerRequired),
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
              <Text fw={500}>
                <FormattedMessage {...m.label} />
              </Text>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.help} />
              </Text>
            </Stack>
          </Group>
          <Switch
            aria-label={intl.formatMessage(m.label)}
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
