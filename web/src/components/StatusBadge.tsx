import { Badge } from '@mantine/core';

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

const LABELS: Record<string, string> = {
  applied: 'under review',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'blue'} variant="light" data-status={status}>
      {LABELS[status] ?? status}
    </Badge>
  );
}
