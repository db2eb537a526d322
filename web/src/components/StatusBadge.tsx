import { Badge } from '@mantine/core';
import { useIntl } from 'react-intl';
import { defineMessages, type Message } from '../i18n/define.ts';

const COLORS: Record<string, string> = {
  active: 'teal',
  success: 'teal',
  applied: 'yellow',
  invited: 'yellow',
  requested: 'yellow',
  suspended: 'orange',
  inactive: 'gray',
  disabled: 'gray',
  closed: 'gray',
  expired: 'gray',
  denied: 'red',
  failure: 'red',
  rejected: 'red',
  revoked: 'red',
  terminated: 'red',
};

/** The states the portal shows in words (as the server names them, in lower case); any other shows as sent. */
const LABELS: Record<string, Message> = defineMessages({
  active: { id: 'components.status.active', defaultMessage: 'active' },
  success: { id: 'components.status.success', defaultMessage: 'success' },
  applied: { id: 'components.status.applied', defaultMessage: 'under review' },
  invited: { id: 'components.status.invited', defaultMessage: 'invited' },
  requested: { id: 'components.status.requested', defaultMessage: 'requested' },
  suspended: { id: 'components.status.suspended', defaultMessage: 'suspended' },
  inactive: { id: 'components.status.inactive', defaultMessage: 'inactive' },
  disabled: { id: 'components.status.disabled', defaultMessage: 'disabled' },
  closed: { id: 'components.status.closed', defaultMessage: 'closed' },
  expired: { id: 'components.status.expired', defaultMessage: 'expired' },
  denied: { id: 'components.status.denied', defaultMessage: 'denied' },
  failure: { id: 'components.status.failure', defaultMessage: 'failure' },
  rejected: { id: 'components.status.rejected', defaultMessage: 'rejected' },
  revoked: { id: 'components.status.revoked', defaultMessage: 'revoked' },
  terminated: { id: 'components.status.terminated', defaultMessage: 'terminated' },
  pending: { id: 'components.status.pending', defaultMessage: 'pending' },
  approved: { id: 'components.status.approved', defaultMessage: 'approved' },
  paused: { id: 'components.status.paused', defaultMessage: 'paused' },
  draft: { id: 'components.status.draft', defaultMessage: 'draft' },
  retired: { id: 'components.status.retired', defaultMessage: 'retired' },
  verified: { id: 'components.status.verified', defaultMessage: 'verified' },
  failed: { id: 'components.status.failed', defaultMessage: 'failed' },
  open: { id: 'components.status.open', defaultMessage: 'open' },
  resolved: { id: 'components.status.resolved', defaultMessage: 'resolved' },
  acknowledged: { id: 'components.status.acknowledged', defaultMessage: 'acknowledged' },
  paid: { id: 'components.status.paid', defaultMessage: 'paid' },
  signed: { id: 'components.status.signed', defaultMessage: 'signed' },
  accepted: { id: 'components.status.accepted', defaultMessage: 'accepted' },
  declined: { id: 'components.status.declined', defaultMessage: 'declined' },
  withdrawn: { id: 'components.status.withdrawn', defaultMessage: 'withdrawn' },
  deactivated: { id: 'components.status.deactivated', defaultMessage: 'deactivated' },
  enabled: { id: 'components.status.enabled', defaultMessage: 'enabled' },
});

export function StatusBadge({ status }: { status: string }) {
  const intl = useIntl();
  const label = Object.hasOwn(LABELS, status) ? LABELS[status] : undefined;
  return (
    <Badge color={COLORS[status] ?? 'blue'} variant="light" data-status={status}>
      {label ? intl.formatMessage(label) : status}
    </Badge>
  );
}
