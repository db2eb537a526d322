/** Pieces of the sign-in domain pages: the status badge, and a DNS value with its copy button. */
import { Badge, Stack, Text } from '@mantine/core';
import { FormattedMessage } from 'react-intl';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import type { OrganizationDomain } from '../../api/domains.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';

const STATUS_LABEL: Record<OrganizationDomain['status'], Message> = defineMessages({
  pending: { id: 'domains.status.pending', defaultMessage: 'Waiting for the DNS record' },
  verified: { id: 'domains.status.verified', defaultMessage: 'Verified' },
  failed: { id: 'domains.status.failed', defaultMessage: 'Check failed' },
});
const STATUS_COLOR: Record<OrganizationDomain['status'], string> = { pending: 'yellow', verified: 'teal', failed: 'red' };

export function DomainStatusBadge({ status }: { status: OrganizationDomain['status'] }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-status={status} style={{ textTransform: 'none' }}>
      <FormattedMessage {...STATUS_LABEL[status]} />
    </Badge>
  );
}

/** One field of the record to publish, as people copy it into their DNS provider's form; `copyLabel` completes the copy button's "Copy …". */
export function CopyField({ label, copyLabel, value, testId }: { label: string; copyLabel: string; value: string; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={600} c="dimmed">
        {label}
      </Text>
      <CopyableCode value={value} copyLabel={copyLabel} testId={testId} />
    </Stack>
  );
}
