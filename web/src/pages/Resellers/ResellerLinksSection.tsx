/**
 * On the customer's "Partners with access" page (two-tier partners): the links held by partners
 * that resell under a distributor, each shown as "<distributor> through <reseller>", with the
 * customer's switch letting the distributor act through that link (off until the customer turns
 * it on; the distributor then gets the link's access ∩ its own people's roles).
 */
import { Stack, Switch, Text, Title } from '@mantine/core';
import { resellersApi, type ResellerLink } from '../../api/resellers.ts';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  allowedNow: { id: 'resellers.links.allowed_now', defaultMessage: "{distributor} may now act through {reseller}'s link." },
  allowedNoLonger: { id: 'resellers.links.allowed_no_longer', defaultMessage: "{distributor} can no longer act through {reseller}'s link." },
  title: { id: 'resellers.links.title', defaultMessage: 'Distributors of your partners' },
  intro: {
    id: 'resellers.links.intro',
    defaultMessage:
      'Some partners resell under a distributor. A distributor sees nothing of yours unless you allow it here, link by link; then it may do what the link allows and no more, until the link ends.',
  },
  empty: { id: 'resellers.links.empty', defaultMessage: 'No partner with access resells under a distributor.' },
  colDistributor: { id: 'resellers.links.column.distributor', defaultMessage: 'Distributor' },
  through: { id: 'resellers.links.through', defaultMessage: 'through {reseller}' },
  colAccess: { id: 'resellers.links.column.access', defaultMessage: 'May act through this link' },
  allowed: { id: 'resellers.links.allowed', defaultMessage: 'Allowed' },
  notAllowed: { id: 'resellers.links.not_allowed', defaultMessage: 'Not allowed' },
  switchLabel: { id: 'resellers.links.switch_label', defaultMessage: "Let {distributor} act through {reseller}'s link" },
});

export function ResellerLinksSection({ tenantId, canManage }: { tenantId: string; /** the server's decision: may this person change the links */ canManage: boolean }) {
  const intl = useIntl();
  const list = useApiQuery(resellerKeys.links(tenantId), () => resellersApi.links(tenantId));
  const toggle = useApiMutation((l: ResellerLink, allowed: boolean) => resellersApi.setDistributorAccess(tenantId, l.delegation_id, allowed), {
    success: (l) => intl.formatMessage(l.distributor_access ? m.allowedNow : m.allowedNoLonger, { distributor: l.distributor.name, reseller: l.reseller.name }),
    invalidates: [resellerKeys.links(tenantId)],
  });
  const rows = list.data?.data ?? [];
  // nothing to say when no partner with access resells under a distributor
  if (!list.loading && !list.error && rows.length === 0) return null;
  return (
    <section data-testid="reseller-links">
      <Title order={3} size="h4" mb={4}>
        {intl.formatMessage(m.title)}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {intl.formatMessage(m.intro)}
      </Text>
      <ErrorAlert error={list.error ?? toggle.error} />
      <DataTable
        testId="reseller-links-table"
        records={rows}
        loading={list.loading}
        rowKey={(l) => l.delegation_id}
        rowProps={(l) => ({ 'data-distributor': l.distributor.name, 'data-reseller': l.reseller.name })}
        empty={intl.formatMessage(m.empty)}
        columns={[
          {
            key: 'who',
            title: intl.formatMessage(m.colDistributor),
            mobile: 'title',
            render: (l) => (
              <Stack gap={0}>
                <Text fw={500}>{l.distributor.name}</Text>
                <Text size="sm" c="dimmed">
                  {intl.formatMessage(m.through, { reseller: l.reseller.name })}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'access',
            title: intl.formatMessage(m.colAccess),
            render: (l) => (
              <Switch
                checked={l.distributor_access}
                disabled={!canManage || toggle.busy}
                onChange={(e) => void toggle.run(l, e.currentTarget.checked)}
                label={intl.formatMessage(l.distributor_access ? m.allowed : m.notAllowed)}
                aria-label={intl.formatMessage(m.switchLabel, { distributor: l.distributor.name, reseller: l.reseller.name })}
                data-testid="distributor-access"
              />
            ),
          },
        ]}
      />
    </section>
  );
}
