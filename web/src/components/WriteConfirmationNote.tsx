/**
 * Where an order or a ticket sent to the provider's system stands, in words: sent and waiting for
 * its confirmation, not confirmed past the operator's time limit (check with the provider), or
 * confirmed. Nothing for a record written here directly.
 */
import { Badge, Text } from '@mantine/core';
import type { WriteConfirmationDto } from '../api/writeRoutes.ts';
import { formatDateTime } from './format.ts';

export function confirmationWords(c: WriteConfirmationDto): string {
  if (c.state === 'confirmed') return `Confirmed by ${c.provider_name}`;
  if (c.state === 'overdue') return `Not confirmed — check with ${c.provider_name}`;
  return `Sent to ${c.provider_name}, waiting for confirmation`;
}

/** A short badge for tables: "Waiting for confirmation", "Not confirmed", "Confirmed". */
export function ConfirmationBadge({ c }: { c: WriteConfirmationDto | null | undefined }) {
  if (!c) return null;
  const [color, words] = c.state === 'confirmed' ? ['teal', 'Confirmed'] : c.state === 'overdue' ? ['red', 'Not confirmed'] : ['orange', 'Waiting for confirmation'];
  return (
    <Badge variant="light" color={color} title={confirmationWords(c)} data-testid="confirmation-badge">
      {words}
    </Badge>
  );
}

/** The sentence under a ticket or an order. */
export function WriteConfirmationNote({ c }: { c: WriteConfirmationDto | null | undefined }) {
  if (!c) return null;
  const when = c.state === 'confirmed' ? '' : c.state === 'overdue' ? ` Sent ${formatDateTime(c.sent_at)}; it has not come back.` : ` Not confirmed yet (sent ${formatDateTime(c.sent_at)}).`;
  return (
    <Text size="sm" c={c.state === 'overdue' ? 'red.9' : undefined} fw={c.state === 'confirmed' ? undefined : 500} data-testid="write-confirmation" data-state={c.state} role="status">
      {confirmationWords(c)}.{when}
    </Text>
  );
}
