/** The operator's answer to "which customers can this partner reach, and with what", from the decision engine itself. */
import { Link } from 'react-router';
import { Anchor, Text } from '@mantine/core';
import { accessReviewApi, type TenantReached } from '../../api/accessReview.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { useApiList } from '../../query/query.ts';
import { PermissionWords, accountsWords } from './reachWords.tsx';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';

export function PartnerReachPanel({ partnerId, partnerName }: { partnerId: string; partnerName: string }) {
  const list = useApiList(accessReviewKeys.partner(partnerId), (cursor) => accessReviewApi.tenantsOfPartner(partnerId, cursor));
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        The customers {partnerName} can act on right now, and what it may do there. This is the answer Partnergate gives on each of the partner's requests: access waiting for approval, expired, revoked or
        suspended does not appear.
      </Text>
      <DataTable<TenantReached>
        testId="partner-reach"
        records={list.loading ? undefined : list.items}
        loading={list.loading}
        error={list.error}
        rowKey={(r) => r.tenant.id}
        rowProps={(r) => ({ 'data-row': r.tenant.name })}
        empty={`${partnerName} cannot act on any customer right now.`}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          {
            key: 'tenant',
            title: 'Customer',
            mobile: 'title',
            render: (r) => (
              <Anchor component={Link} to={`/operator/tenants/${r.tenant.id}`}>
                {r.tenant.name}
              </Anchor>
            ),
          },
          { key: 'accounts', title: 'Billing accounts', render: (r) => accountsWords(r.accounts) },
          { key: 'what', title: 'What it may do', render: (r) => <PermissionWords names={r.permissions} /> },
        ]}
      />
    </>
  );
}
