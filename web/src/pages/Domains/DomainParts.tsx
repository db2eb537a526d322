/** Pieces of the sign-in domain pages: the status badge, and a DNS value with its copy button. */
import { ActionIcon, Badge, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { OrganizationDomain } from '../../api/domains.ts';

const STATUS: Record<OrganizationDomain['status'], { label: string; color: string }> = {
  pending: { label: 'Waiting for the DNS record', color: 'yellow' },
  verified: { label: 'Verified', color: 'teal' },
  failed: { label: 'Check failed', color: 'red' },
};

export function DomainStatusBadge({ status }: { status: OrganizationDomain['status'] }) {
  const s = STATUS[status];
  return (
    <Badge color={s.color} variant="light" data-status={status} style={{ textTransform: 'none' }}>
      {s.label}
    </Badge>
  );
}

/** One field of the record to publish, as people copy it into their DNS provider's form. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={600} c="dimmed">
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, minWidth: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid={testId}>
          {value}
        </Code>
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
              <ActionIcon variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} size="lg" aria-label={copied ? 'Copied' : `Copy the ${label.toLowerCase()}`}>
                {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}
