/** The nav's badge on "Partners with access": link requests waiting for a tenant admin's decision. */
import { Badge } from '@mantine/core';
import { delegationsApi } from '../../api/delegations.ts';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';

export function PendingRequestsBadge() {
  const tenantId = useView().tenant?.tenant_id;
  const q = useApiQuery(['delegations', 'pending-count', tenantId], () => delegationsApi.tenantList(tenantId!, { status: 'requested', limit: 50 }), { enabled: !!tenantId, staleTime: 30_000 });
  const n = q.data?.data.length ?? 0;
  return n > 0 ? (
    <Badge size="sm" color="orange" circle={n < 10} data-testid="pending-badge" aria-label={`${n} waiting for you`}>
      {n}
    </Badge>
  ) : null;
}
