/**
 * Time-limited access in the reader's words: how long, how much time is left, a request's status and how a
 * link renews (the same as api/activations.ts says in English, through the catalogs).
 */
import type { IntlShape } from 'react-intl';
import type { AccessSettings } from '../../api/activations.ts';
import { defineMessages, type Message } from '../../i18n/define.ts';
import { formatDateTime } from '../../components/format.ts';

const m = defineMessages({
  ended: { id: 'just_in_time.time_left.ended', defaultMessage: 'ended' },
  hoursLeft: { id: 'just_in_time.time_left.hours', defaultMessage: '{hours} h {minutes} min left' },
  minutesLeft: { id: 'just_in_time.time_left.minutes', defaultMessage: '{minutes} min left' },
  hours: { id: 'just_in_time.duration.hours', defaultMessage: '{count, plural, one {# hour} other {# hours}}' },
  hoursMinutes: { id: 'just_in_time.duration.hours_minutes', defaultMessage: '{hours} h {minutes} min' },
  minutes: { id: 'just_in_time.duration.minutes', defaultMessage: '{count, plural, one {# minute} other {# minutes}}' },
  renewalOff: { id: 'just_in_time.renewal.off', defaultMessage: 'Ends on its date (you turned renewal off)' },
  renewalSensitive: { id: 'just_in_time.renewal.sensitive', defaultMessage: 'Ends on its date: {roles} is marked sensitive' },
  period: { id: 'just_in_time.when.period', defaultMessage: '{start} – {end}' },
  asked: { id: 'just_in_time.when.asked', defaultMessage: 'asked {date}' },
  renewalOn: { id: 'just_in_time.renewal.on', defaultMessage: 'Renews itself for {days} days at its end' },
});

/** A request's status in words. */
export const ACTIVATION_STATUS: Record<string, Message> = defineMessages({
  waiting: { id: 'just_in_time.status.waiting', defaultMessage: 'Waiting for approval' },
  active: { id: 'just_in_time.status.active', defaultMessage: 'Active' },
  ended: { id: 'just_in_time.status.ended', defaultMessage: 'Ended' },
  rejected: { id: 'just_in_time.status.rejected', defaultMessage: 'Rejected' },
  cancelled: { id: 'just_in_time.status.cancelled', defaultMessage: 'Withdrawn' },
});

export function statusWords(intl: IntlShape, status: string): string {
  const w = ACTIVATION_STATUS[status];
  return w ? intl.formatMessage(w) : status;
}

/** "1 h 20 min left" */
export function timeLeft(intl: IntlShape, endsAt: string | null, now = Date.now()): string {
  if (!endsAt) return '';
  const ms = Date.parse(endsAt) - now;
  if (ms <= 0) return intl.formatMessage(m.ended);
  const min = Math.ceil(ms / 60_000);
  const h = Math.floor(min / 60);
  return h > 0 ? intl.formatMessage(m.hoursLeft, { hours: h, minutes: min % 60 }) : intl.formatMessage(m.minutesLeft, { minutes: min });
}

/** 60 → "1 hour", 90 → "1 h 30 min", 30 → "30 minutes" */
export function durationLabel(intl: IntlShape, minutes: number): string {
  if (minutes % 60 === 0) return intl.formatMessage(m.hours, { count: minutes / 60 });
  return minutes > 60 ? intl.formatMessage(m.hoursMinutes, { hours: Math.floor(minutes / 60), minutes: minutes % 60 }) : intl.formatMessage(m.minutes, { count: minutes });
}

/** How a link renews, in plain words: "Renews itself for 180 days at its end", or why it does not. */
export function renewalWords(intl: IntlShape, role: string, s: AccessSettings, roleName: (id: string) => string): string {
  if (!s.auto_extend) return intl.formatMessage(m.renewalOff);
  const sensitive = [role, ...s.eligible_roles].filter((r) => s.privileged_roles.includes(r));
  if (sensitive.length > 0) return intl.formatMessage(m.renewalSensitive, { roles: sensitive.map(roleName).join(', ') });
  return intl.formatMessage(m.renewalOn, { days: s.auto_extend_days });
}

/** When access was on ("start – end"), or when it was asked for while it has not started. */
export function whenWords(intl: IntlShape, a: { starts_at: string | null; ends_at: string | null; requested_at: string }): string {
  return a.starts_at
    ? intl.formatMessage(m.period, { start: formatDateTime(a.starts_at), end: formatDateTime(a.ends_at) })
    : intl.formatMessage(m.asked, { date: formatDateTime(a.requested_at) });
}
