/**
 * The organizations a partner referred, in the program's limited tenant view: name, short name, status, sign-up date,
 * plan and monthly revenue — nothing of their people, settings or data.
 */
import { useState } from 'react';
import { Alert, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconLock, IconSearch } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { programApi, type Referral } from '../../api/program.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useApiList } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { formatDay, formatMoney } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';
import { tierLabel } from '../../components/tiers.ts';

const PAGE = 25;

const msg = defineMessages({
  title: { id: 'program.referrals.title', defaultMessage: 'Referred customers' },
  descriptionAll: { id: 'program.referrals.description.all', defaultMessage: 'Organizations that signed up with one of {partner}\'s codes.' },
  descriptionOwn: { id: 'program.referrals.description.own', defaultMessage: 'Organizations that signed up with one of the codes you created.' },
  search: { id: 'program.referrals.search', defaultMessage: 'Search by name' },
  searchAria: { id: 'program.referrals.search.aria', defaultMessage: 'Search referred customers' },
  noMatch: { id: 'program.referrals.no_match', defaultMessage: 'No referred customer matches “{query}”.' },
  empty: { id: 'program.referrals.empty', defaultMessage: 'No one has signed up with your codes yet. Share a code’s sign-up link to get started.' },
  organization: { id: 'program.referrals.column.organization', defaultMessage: 'Organization' },
  status: { id: 'program.referrals.column.status', defaultMessage: 'Status' },
  signedUp: { id: 'program.referrals.column.signed_up', defaultMessage: 'Signed up' },
  plan: { id: 'program.referrals.column.plan', defaultMessage: 'Plan' },
  revenue: { id: 'program.referrals.column.revenue', defaultMessage: 'Monthly revenue' },
});

export function ProgramReferralsPage() {
  const intl = useIntl();
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const all = allows(m, 'partner.referrals.read_all');
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const list = useApiList<Referral>(programKeys.referrals(pid, query), async (cursor) => {
    const offset = Number(cursor ?? 0);
    const r = await programApi.referrals(pid, { q: query || undefined, limit: PAGE, offset });
    const next = offset + r.items.length;
    return { data: r.items, next_cursor: next < r.total && r.items.length > 0 ? String(next) : null };
  });

  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.title)}
        description={
          all
            ? intl.formatMessage(msg.descriptionAll, { partner: m.name })
            : intl.formatMessage(msg.descriptionOwn)
        }
      />
      <Stack gap="md">
        <TextInput
          leftSection={<IconSearch size={16} />}
          placeholder={intl.formatMessage(msg.search)}
          aria-label={intl.formatMessage(msg.searchAria)}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          maw={420}
        />
        <ErrorAlert error={list.error} />
        <DataTable
          testId="referrals-table"
          records={list.items}
          loading={list.loading}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ 'data-name': r.name })}
          empty={query ? intl.formatMessage(msg.noMatch, { query }) : intl.formatMessage(msg.empty)}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: intl.formatMessage(msg.organization),
              mobile: 'title',
              sortValue: (r) => r.name,
              render: (r) => (
                <div>
                  <Text size="sm" fw={600}>
                    {r.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.slug}
                  </Text>
                </div>
              ),
            },
            { key: 'status', title: intl.formatMessage(msg.status), sortValue: (r) => r.status, render: (r) => <StatusBadge status={r.status} /> },
            { key: 'signup', title: intl.formatMessage(msg.signedUp), sortValue: (r) => r.signup_date, render: (r) => formatDay(r.signup_date), style: { whiteSpace: 'nowrap' } },
            { key: 'tier', title: intl.formatMessage(msg.plan), sortValue: (r) => r.subscription_tier, render: (r) => tierLabel(r.subscription_tier) },
            {
              key: 'revenue',
              title: intl.formatMessage(msg.revenue),
              align: 'right',
              sortValue: (r) => r.monthly_revenue_minor,
              render: (r) => formatMoney(r.monthly_revenue_minor, r.currency),
              style: { whiteSpace: 'nowrap' },
            },
          ]}
        />
        <Alert color="gray" variant="light" icon={<IconLock size={18} />} maw={720}>
          <Text size="sm">
            <FormattedMessage
              id="program.referrals.privacy"
              defaultMessage="You see what your program needs: name, status, sign-up date, plan and monthly revenue. A referred organization’s people, settings and data stay private to it."
            />
          </Text>
        </Alert>
      </Stack>
    </>
  );
}
