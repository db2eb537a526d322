/**
 * A customer's own limits on a link, in sentences: from which addresses, on which days and hours
 * (in the customer's time zone) and until when a partner may reach the customer. The customer reads
 * them on the partner's page; the partner on the customer's page.
 */
import type { IntlShape } from 'react-intl';
import { useIntl } from 'react-intl';
import { Paper, Stack, Text, Title } from '@mantine/core';
import type { LinkLimitsDto } from '../../api/delegations.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { defineMessages } from '../../i18n/define.ts';

export const limitWords = defineMessages({
  none: { id: 'delegations.limits.none', defaultMessage: 'No limits of your own: any address, any time, until the link ends on {date}.' },
  noneForPartner: { id: 'delegations.limits.none_partner', defaultMessage: '{customer} set no limits of its own on this link.' },
  addresses: { id: 'delegations.limits.addresses', defaultMessage: 'Only from {count, plural, one {this address} other {these addresses}}: {list}.' },
  hours: { id: 'delegations.limits.hours', defaultMessage: 'Only {days}, from {from} to {to} ({zone} time).' },
  overnight: { id: 'delegations.limits.overnight', defaultMessage: 'Only from {from} on {days} until {to} the next morning ({zone} time).' },
  dayRange: { id: 'delegations.limits.day_range', defaultMessage: '{first} to {last}' },
  until: { id: 'delegations.limits.until', defaultMessage: 'Access ends on {date}, earlier than the link’s own end.' },
  partnerTitle: { id: 'delegations.limits.partner_title', defaultMessage: 'Limits {customer} set on your access' },
  loading: { id: 'delegations.limits.partner_loading', defaultMessage: 'Loading the customer’s limits…' },
  partnerIntro: { id: 'delegations.limits.partner_intro', defaultMessage: '{customer} allows your access through this link only as follows; requests outside these limits are refused.' },
});

/** ISO weekday (1 = Monday) in the reader's language. */
export function weekdayName(locale: string, day: number): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

/** "Monday to Friday" for a run of three or more days, else the days listed. */
export function daysWords(intl: IntlShape, days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const run = sorted.length >= 3 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (run) return intl.formatMessage(limitWords.dayRange, { first: weekdayName(intl.locale, sorted[0]!), last: weekdayName(intl.locale, sorted[sorted.length - 1]!) });
  return new Intl.ListFormat(intl.locale, { type: 'conjunction' }).format(sorted.map((d) => weekdayName(intl.locale, d)));
}

/** One sentence per limit the customer set (none: empty). */
export function limitSentences(intl: IntlShape, l: LinkLimitsDto): string[] {
  const out: string[] = [];
  if (l.ip_allow.length > 0) {
    out.push(intl.formatMessage(limitWords.addresses, { count: l.ip_allow.length, list: new Intl.ListFormat(intl.locale, { type: 'unit' }).format(l.ip_allow) }));
  }
  const h = l.hours;
  if (h) {
    const values = { days: daysWords(intl, h.days), from: h.from, to: h.to, zone: h.time_zone };
    out.push(intl.formatMessage(h.to < h.from ? limitWords.overnight : limitWords.hours, values));
  }
  if (l.expires_at) out.push(intl.formatMessage(limitWords.until, { date: formatDate(l.expires_at) }));
  return out;
}

/** The partner's panel on a customer's page: the limits that customer set on the link. */
export function PartnerLinkLimitsPanel({ delegationId, customer }: { delegationId: string; customer: string }) {
  const intl = useIntl();
  const partnerId = useView().partner?.partner_id ?? '';
  const q = useApiQuery(delegationKeys.limits('partner', partnerId, delegationId), () => delegationsApi.limits(partnerId, delegationId), { enabled: partnerId !== '' });
  return (
    <Paper withBorder radius="md" p="md" data-testid="customer-link-limits">
      <Title order={3} size="h4" mb={4}>
        {intl.formatMessage(limitWords.partnerTitle, { customer })}
      </Title>
      <ErrorAlert error={q.error} />
      {!q.data && !q.error && (
        <Text size="sm" c="dimmed">
          {intl.formatMessage(limitWords.loading)}
        </Text>
      )}
      {q.data && <PartnerLinkLimits limits={q.data} customer={customer} />}
    </Paper>
  );
}

/** The partner's view: what the customer allows, or that it set nothing. */
export function PartnerLinkLimits({ limits, customer }: { limits: LinkLimitsDto; customer: string }) {
  const intl = useIntl();
  const sentences = limitSentences(intl, limits);
  if (sentences.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="link-limits">
        {intl.formatMessage(limitWords.noneForPartner, { customer })}
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="link-limits">
      <Text size="sm">{intl.formatMessage(limitWords.partnerIntro, { customer })}</Text>
      {sentences.map((s) => (
        <Text size="sm" key={s}>
          {s}
        </Text>
      ))}
    </Stack>
  );
}
