/** A secret or link the server returns once: shown with a copy button and a plain warning. */
import { Alert, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { CopyableCode } from './CopyableCode.tsx';
import { FormattedMessage } from 'react-intl';

export function OneTimeSecret({ value, label, hint }: { value: string; label: string; hint?: string }) {
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        {label}
      </Text>
      <CopyableCode value={value} copyLabel={label} testId="one-time-secret" />
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
        <Text size="sm">{hint ?? <FormattedMessage id="components.one_time_secret.hint" defaultMessage="This is shown only once. Copy it now — Partnergate stores only a hash and cannot show it again." />}</Text>
      </Alert>
    </Stack>
  );
}
