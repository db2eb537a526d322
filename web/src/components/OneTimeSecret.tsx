/** A secret or link the server returns once: shown with a copy button and a plain warning. */
import { ActionIcon, Alert, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconAlertTriangle } from '@tabler/icons-react';

export function OneTimeSecret({ value, label, hint }: { value: string; label: string; hint?: string }) {
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="one-time-secret">
          {value}
        </Code>
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
              <ActionIcon variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} size="lg" aria-label={copied ? 'Copied' : `Copy ${label}`}>
                {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
        <Text size="sm">{hint ?? 'This is shown only once. Copy it now — Partnergate stores only a hash and cannot show it again.'}</Text>
      </Alert>
    </Stack>
  );
}
