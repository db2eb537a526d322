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
import { timeAgo } from './format.ts';

const WHAT: Record<SourceKind, string> = {
  billing_accounts: 'Billing account data',
  invoices: 'Billing data',
  services: 'Service data',
  orders: 'Order data',
  tickets: 'Ticket data',
  usage: 'Usage data',
  sla: 'SLA data',
};

export function freshnessWords(f: DataFreshnessDto | undefined, kind: SourceKind): string | null {
  if (!f) return null;
  const k = f.kinds.find((x) => x.kind === kind);
  if (!k || k.sources.length === 0) return `${WHAT[kind]}: no source has sent any yet.`;
  const [first, ...rest] = k.sources;
  const others = rest.length === 0 ? '' : ` (and ${rest.length === 1 ? rest[0].source_name : `${rest.length} other sources`})`;
  return `${WHAT[kind]} from ${first.source_name}${others}, updated ${timeAgo(first.last_synced_at)}.`;
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
  const [first, ...rest] = q.data.sources;
  const others = rest.length === 0 ? '' : ` (and ${rest.length === 1 ? rest[0].source_name : `${rest.length} other sources`})`;
  const words = first
    ? `Earnings come from your referred customers’ paid invoices: billing data from ${first.source_name}${others}, updated ${timeAgo(first.last_synced_at)}.`
    : 'Earnings come from your referred customers’ paid invoices: no source has sent their billing data yet.';
  return <FreshnessLine words={words} />;
}
