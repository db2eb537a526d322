/** Pieces of the sign-in domain pages: the status badge, and a DNS value with its copy button. */
import { Badge, Stack, Text } from '@mantine/core';
import { CopyableCode } from '../../components/CopyableCode.tsx';
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
      <CopyableCode value={value} copyLabel={`the ${label.toLowerCase()}`} testId={testId} />
    </Stack>
  );
}
