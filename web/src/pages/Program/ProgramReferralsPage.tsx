/**
 * The organizations a partner referred, in the program's limited tenant view: name, short name, status, sign-up date,
 * plan and monthly revenue — nothing of their people, settings or data.
 */
import { useState } from 'react';
import { Alert, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconLock, IconSearch } from '@tabler/icons-react';
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

const PAGE = 25;

export function ProgramReferralsPage() {
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
        title="Referred customers"
        description={
          all
            ? `Organizations that signed up with one of ${m.name}'s codes.`
            : 'Organizations that signed up with one of the codes you created.'
        }
      />
      <Stack gap="md">
        <TextInput
          leftSection={<IconSearch size={16} />}
          placeholder="Search by name"
          aria-label="Search referred customers"
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
          empty={query ? `No referred customer matches “${query}”.` : 'No one has signed up with your codes yet. Share a code’s sign-up link to get started.'}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: 'Organization',
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
            { key: 'status', title: 'Status', sortValue: (r) => r.status, render: (r) => <StatusBadge status={r.status} /> },
            { key: 'signup', title: 'Signed up', sortValue: (r) => r.signup_date, render: (r) => formatDay(r.signup_date), style: { whiteSpace: 'nowrap' } },
            { key: 'tier', title: 'Plan', sortValue: (r) => r.subscription_tier, render: (r) => (r.subscription_tier ? r.subscription_tier.charAt(0).toUpperCase() + r.subscription_tier.slice(1) : '—') },
            {
              key: 'revenue',
              title: 'Monthly revenue',
              align: 'right',
              sortValue: (r) => r.monthly_revenue_minor,
              render: (r) => formatMoney(r.monthly_revenue_minor, r.currency),
              style: { whiteSpace: 'nowrap' },
            },
          ]}
        />
        <Alert color="gray" variant="light" icon={<IconLock size={18} />} maw={720}>
          <Text size="sm">
            You see what your program needs: name, status, sign-up date, plan and monthly revenue. A referred organization’s people, settings and data stay
            private to it.
          </Text>
        </Alert>
      </Stack>
    </>
  );
}
