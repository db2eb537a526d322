/**
 * The freshness line on a page of provider records: which system they come from and when it last
 * synced them ("Billing data from Acme Billing, updated 3 minutes ago"). Says so plainly when no
 * source has sent any yet, and stays quiet while it loads or when it cannot be read.
 */
import { Group, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { dataSourcesApi, type DataFreshnessDto, type SourceKind } from '../api/dataSources.ts';
import { dataSourceKeys } from '../api/keys/dataSources.ts';
import { useApiQuery } from '../query/query.ts';
import { say, timeAgo } from './format.ts';
import { defineMessages, type Message } from '../i18n/define.ts';

const WHAT: Record<SourceKind, Message> = defineMessages({
  billing_accounts: { id: 'components.data_freshness.kind.billing_accounts', defaultMessage: 'Billing account data' },
  invoices: { id: 'components.data_freshness.kind.invoices', defaultMessage: 'Billing data' },
  services: { id: 'components.data_freshness.kind.services', defaultMessage: 'Service data' },
  orders: { id: 'components.data_freshness.kind.orders', defaultMessage: 'Order data' },
  tickets: { id: 'components.data_freshness.kind.tickets', defaultMessage: 'Ticket data' },
  usage: { id: 'components.data_freshness.kind.usage', defaultMessage: 'Usage data' },
  sla: { id: 'components.data_freshness.kind.sla', defaultMessage: 'SLA data' },
  subscribers: { id: 'components.data_freshness.kind.subscribers', defaultMessage: 'Subscriber data' },
});

const m = defineMessages({
  none: { id: 'components.data_freshness.none', defaultMessage: '{what}: no source has sent any yet.' },
  fromOne: { id: 'components.data_freshness.from_one', defaultMessage: '{what} from {source}, updated {ago}.' },
  fromTwo: { id: 'components.data_freshness.from_two', defaultMessage: '{what} from {source} (and {other}), updated {ago}.' },
  fromMany: {
    id: 'components.data_freshness.from_many',
    defaultMessage: '{what} from {source} (and {count, plural, one {# other source} other {# other sources}}), updated {ago}.',
  },
  earningsOne: {
    id: 'components.data_freshness.earnings_one',
    defaultMessage: 'Earnings come from your referred customers’ paid invoices: billing data from {source}, updated {ago}.',
  },
  earningsTwo: {
    id: 'components.data_freshness.earnings_two',
    defaultMessage: 'Earnings come from your referred customers’ paid invoices: billing data from {source} (and {other}), updated {ago}.',
  },
  earningsMany: {
    id: 'components.data_freshness.earnings_many',
    defaultMessage:
      'Earnings come from your referred customers’ paid invoices: billing data from {source} (and {count, plural, one {# other source} other {# other sources}}), updated {ago}.',
  },
  earningsNone: {
    id: 'components.data_freshness.earnings_none',
    defaultMessage: 'Earnings come from your referred customers’ paid invoices: no source has sent their billing data yet.',
  },
});

type Source = { source_name: string; last_synced_at: string | null };

/** "… from <first source> (and <the other> | and N other sources), updated <when>." with `what` when given. */
function fromSources(sources: Source[], one: Message, two: Message, many: Message, what?: string): string {
  const [first, ...rest] = sources;
  const values = { what: what ?? '', source: first.source_name, ago: timeAgo(first.last_synced_at) };
  if (rest.length === 0) return say(one, values);
  if (rest.length === 1) return say(two, { ...values, other: rest[0].source_name });
  return say(many, { ...values, count: rest.length });
}

export function freshnessWords(f: DataFreshnessDto | undefined, kind: SourceKind): string | null {
  if (!f) return null;
  const k = f.kinds.find((x) => x.kind === kind);
  const what = say(WHAT[kind]);
  if (!k || k.sources.length === 0) return say(m.none, { what });
  return fromSources(k.sources, m.fromOne, m.fromTwo, m.fromMany, what);
}

/**
 * `tenantId`: a customer's own records; omitted: the signed-in partner's managed customers'.
 * Several kinds (a page of figures drawn from more than one): a sentence for each.
 */
export function DataFreshness({ kind, tenantId }: { kind: SourceKind | SourceKind[]; tenantId?: string }) {
  const q = useApiQuery(dataSourceKeys.freshness(tenantId ?? 'partner'), () => (tenantId ? dataSourcesApi.tenantFreshness(tenantId) : dataSourcesApi.partnerFreshness()), { staleTime: 30_000 });
  const sentences = (Array.isArray(kind) ? kind : [kind]).map((k) => freshnessWords(q.data, k)).filter((w): w is string => !!w);
  if (sentences.length === 0) return null;
  return <FreshnessLine words={sentences.join(' ')} />;
}

function FreshnessLine({ words }: { words: string }) {
  return (
    <Group gap={6} wrap="nowrap" data-testid="data-freshness" mb="sm">
      <IconRefresh size={14} aria-hidden style={{ flexShrink: 0, color: 'var(--mantine-color-dimmed)' }} />
      <Text size="sm" c="dimmed">
        {words}
      </Text>
    </Group>
  );
}

/** A referral partner's earnings: computed from its referred customers' paid invoices, from these sources. */
export function EarningsFreshness({ partnerId }: { partnerId: string }) {
  const q = useApiQuery(dataSourceKeys.earningsFreshness(partnerId), () => dataSourcesApi.earningsFreshness(partnerId), { staleTime: 30_000 });
  if (!q.data) return null;
  const words = q.data.sources.length > 0 ? fromSources(q.data.sources, m.earningsOne, m.earningsTwo, m.earningsMany) : say(m.earningsNone);
  return <FreshnessLine words={words} />;
}
