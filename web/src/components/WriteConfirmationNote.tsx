/**
 * Where an order or a ticket sent to the provider's system stands, in words: sent and waiting for
 * its confirmation, not confirmed past the operator's time limit (check with the provider), or
 * confirmed. Nothing for a record written here directly.
 */
import { Badge, Text } from '@mantine/core';
import type { WriteConfirmationDto } from '../api/writeRoutes.ts';
import { formatDateTime, say } from './format.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  confirmedBy: { id: 'components.write_confirmation.confirmed_by', defaultMessage: 'Confirmed by {provider}' },
  overdueCheck: { id: 'components.write_confirmation.overdue_check', defaultMessage: 'Not confirmed — check with {provider}' },
  sentWaiting: { id: 'components.write_confirmation.sent_waiting', defaultMessage: 'Sent to {provider}, waiting for confirmation' },
  confirmed: { id: 'components.write_confirmation.confirmed', defaultMessage: 'Confirmed' },
  notConfirmed: { id: 'components.write_confirmation.not_confirmed', defaultMessage: 'Not confirmed' },
  waiting: { id: 'components.write_confirmation.waiting', defaultMessage: 'Waiting for confirmation' },
  noteConfirmed: { id: 'components.write_confirmation.note.confirmed', defaultMessage: '{state}.' },
  noteOverdue: { id: 'components.write_confirmation.note.overdue', defaultMessage: '{state}. Sent {sent}; it has not come back.' },
  notePending: { id: 'components.write_confirmation.note.pending', defaultMessage: '{state}. Not confirmed yet (sent {sent}).' },
});

export function confirmationWords(c: WriteConfirmationDto): string {
  const values = { provider: c.provider_name };
  if (c.state === 'confirmed') return say(m.confirmedBy, values);
  if (c.state === 'overdue') return say(m.overdueCheck, values);
  return say(m.sentWaiting, values);
}

/** A short badge for tables: "Waiting for confirmation", "Not confirmed", "Confirmed". */
export function ConfirmationBadge({ c }: { c: WriteConfirmationDto | null | undefined }) {
  const intl = useIntl();
  if (!c) return null;
  const [color, words] = c.state === 'confirmed' ? ['teal', m.confirmed] : c.state === 'overdue' ? ['red', m.notConfirmed] : ['orange', m.waiting] as const;
  return (
    <Badge variant="light" color={color} title={confirmationWords(c)} data-testid="confirmation-badge">
      {intl.formatMessage(words)}
    </Badge>
  );
}

/** The sentence under a ticket or an order. */
export function WriteConfirmationNote({ c }: { c: WriteConfirmationDto | null | undefined }) {
  const intl = useIntl();
  if (!c) return null;
  const note = c.state === 'confirmed' ? m.noteConfirmed : c.state === 'overdue' ? m.noteOverdue : m.notePending;
  return (
    <Text size="sm" c={c.state === 'overdue' ? 'red.9' : undefined} fw={c.state === 'confirmed' ? undefined : 500} data-testid="write-confirmation" data-state={c.state} role="status">
      {intl.formatMessage(note, { state: confirmationWords(c), sent: formatDateTime(c.sent_at) })}
    </Text>
  );
}
