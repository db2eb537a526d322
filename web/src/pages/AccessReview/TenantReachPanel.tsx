/**
 * "Who can reach this customer, and with what": the partners the decision engine lets act on the
 * tenant right now, and which of their people — shown to the operator (partners linked to their
 * pages) and to the tenant's own admins.
 */
import { Link } from 'react-router';
import { Anchor, Stack, Text } from '@mantine/core';
import type { PartnerReaching } from '../../api/accessReview.ts';
import { DataTable } from '../../components/DataTable.tsx';
import type { QueryKey } from '@tanstack/react-query';
import { useApiList } from '../../query/query.ts';
import { PermissionWords, ThroughWords, accountsWords, samePermissions } from './reachWords.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  nobody: { id: 'access_review.tenant.people.nobody', defaultMessage: 'No one at {partner} can sign in and act here yet; only its apps can.' },
  everything: { id: 'access_review.tenant.people.everything', defaultMessage: 'Everything {partner} may do' },
  intro: {
    id: 'access_review.tenant.intro',
    defaultMessage:
      "Every partner that can act on {tenant}'s data right now, what it may do, and which of its people may do it (when signed in with a second factor). Access waiting for approval, expired, revoked or suspended does not appear.",
  },
  empty: { id: 'access_review.tenant.empty', defaultMessage: "No partner can act on {tenant}'s data right now." },
  partner: { id: 'access_review.tenant.column.partner', defaultMessage: 'Partner' },
  accounts: { id: 'access_review.tenant.column.accounts', defaultMessage: 'Billing accounts' },
  what: { id: 'access_review.tenant.column.what', defaultMessage: 'What it may do' },
  how: { id: 'access_review.tenant.column.how', defaultMessage: 'How' },
  people: { id: 'access_review.tenant.column.people', defaultMessage: 'Its people' },
});

type Load = (cursor: string | undefined) => Promise<{ data: PartnerReaching[]; next_cursor: string | null }>;

function People({ r }: { r: PartnerReaching }) {
  const intl = useIntl();
  if (r.people.length === 0)
    return (
      <Text size="sm">
        <FormattedMessage {...m.nobody} values={{ partner: r.partner.name }} />
      </Text>
    );
  return (
    <Stack gap={6}>
      {r.people.map((p) => (
        <div key={p.id}>
          <Text size="sm" fw={500}>
            {p.name} <Text span size="sm" c="dimmed">{p.email}</Text>
          </Text>
          {samePermissions(p.permissions, r.permissions) && (p.accounts === null) === (r.accounts === null) ? (
            <Text size="sm">{intl.formatMessage(m.everything, { partner: r.partner.name })}</Text>
          ) : (
            <>
              <PermissionWords names={p.permissions} />
              {p.accounts !== null && <Text size="sm">{accountsWords(intl, p.accounts)}</Text>}
            </>
          )}
        </div>
      ))}
    </Stack>
  );
}

/** `intro: false` when the page's own header already says what the list is. */
export function TenantReachPanel({ queryKey, load, tenantName, linkPartners, intro = true }: { queryKey: QueryKey; load: Load; tenantName: string; linkPartners: boolean; intro?: boolean }) {
  const intl = useIntl();
  const list = useApiList(queryKey, load);
  return (
    <>
      {intro && (
        <Text size="sm" c="dimmed" mb="sm">
          <FormattedMessage {...m.intro} values={{ tenant: tenantName }} />
        </Text>
      )}
      <DataTable<PartnerReaching>
        testId="tenant-reach"
        records={list.loading ? undefined : list.items}
        loading={list.loading}
        error={list.error}
        rowKey={(r) => r.partner.id}
        rowProps={(r) => ({ 'data-row': r.partner.name })}
        empty={intl.formatMessage(m.empty, { tenant: tenantName })}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          {
            key: 'partner',
            title: intl.formatMessage(m.partner),
            mobile: 'title',
            render: (r) =>
              linkPartners ? (
                <Anchor component={Link} to={`/operator/partners/${r.partner.id}`}>
                  {r.partner.name}
                </Anchor>
              ) : (
                r.partner.name
              ),
          },
          { key: 'how', title: intl.formatMessage(m.how), render: (r) => <ThroughWords through={r.through} /> },
          { key: 'accounts', title: intl.formatMessage(m.accounts), render: (r) => accountsWords(intl, r.accounts) },
          { key: 'what', title: intl.formatMessage(m.what), render: (r) => <PermissionWords names={r.permissions} /> },
          { key: 'people', title: intl.formatMessage(m.people), render: (r) => <People r={r} /> },
        ]}
      />
    </>
  );
}
