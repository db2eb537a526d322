/** The operator's answer to "which customers can this partner reach, and with what", from the decision engine itself. */
import { Link } from 'react-router';
import { Anchor, Text } from '@mantine/core';
import { accessReviewApi, type TenantReached } from '../../api/accessReview.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { useApiList } from '../../query/query.ts';
import { PermissionWords, ThroughWords, accountsWords } from './reachWords.tsx';
import { accessReviewKeys } from '../../api/keys/accessReview.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  intro: {
    id: 'access_review.partner.intro',
    defaultMessage:
      "The customers {partner} can act on right now, and what it may do there. This is the answer Partnergate gives on each of the partner's requests: access waiting for approval, expired, revoked or suspended does not appear.",
  },
  empty: { id: 'access_review.partner.empty', defaultMessage: '{partner} cannot act on any customer right now.' },
  customer: { id: 'access_review.partner.column.customer', defaultMessage: 'Customer' },
  accounts: { id: 'access_review.partner.column.accounts', defaultMessage: 'Billing accounts' },
  what: { id: 'access_review.partner.column.what', defaultMessage: 'What it may do' },
  how: { id: 'access_review.partner.column.how', defaultMessage: 'How' },
});

export function PartnerReachPanel({ partnerId, partnerName }: { partnerId: string; partnerName: string }) {
  const intl = useIntl();
  const list = useApiList(accessReviewKeys.partner(partnerId), (cursor) => accessReviewApi.tenantsOfPartner(partnerId, cursor));
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        <FormattedMessage {...m.intro} values={{ partner: partnerName }} />
      </Text>
      <DataTable<TenantReached>
        testId="partner-reach"
        records={list.loading ? undefined : list.items}
        loading={list.loading}
        error={list.error}
        rowKey={(r) => r.tenant.id}
        rowProps={(r) => ({ 'data-row': r.tenant.name })}
        empty={intl.formatMessage(m.empty, { partner: partnerName })}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          {
            key: 'tenant',
            title: intl.formatMessage(m.customer),
            mobile: 'title',
            render: (r) => (
              <Anchor component={Link} to={`/operator/tenants/${r.tenant.id}`}>
                {r.tenant.name}
              </Anchor>
            ),
          },
          { key: 'how', title: intl.formatMessage(m.how), render: (r) => <ThroughWords through={r.through} /> },
          { key: 'accounts', title: intl.formatMessage(m.accounts), render: (r) => accountsWords(intl, r.accounts) },
          { key: 'what', title: intl.formatMessage(m.what), render: (r) => <PermissionWords names={r.permissions} /> },
        ]}
      />
    </>
  );
}
