/**
 * Tenant side: one partner's access — what it may do in words, on which billing accounts and
 * until when — the customer's own limits on it (addresses, hours, an earlier end), and the relationship details both sides keep (contract reference, contacts, notes).
 */
import { Link, useParams } from 'react-router';
import { useIntl } from 'react-intl';
import { Anchor, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { delegationsApi } from '../../api/delegations.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { accountsWords } from '../AccessReview/reachWords.tsx';
import { AccessChangeWords } from './AccessWords.tsx';
import { RelationshipPanel } from './RelationshipPanel.tsx';
import { LinkLimitsPanel } from './LinkLimitsPanel.tsx';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { defineMessages } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';

const m = defineMessages({
  back: { id: 'delegations.link.back', defaultMessage: 'Partners with access' },
  partner: { id: 'delegations.link.partner', defaultMessage: 'Partner' },
  summary: { id: 'delegations.link.summary', defaultMessage: '{role} · until {until}' },
  mayDo: { id: 'delegations.link.may_do', defaultMessage: 'What {partner} may do' },
  asRole: { id: 'delegations.link.as_role', defaultMessage: 'As {role}.' },
  accounts: { id: 'delegations.link.accounts', defaultMessage: 'Billing accounts' },
  endsOn: { id: 'delegations.link.ends_on', defaultMessage: 'Access ends on {date}.' },
  thePartner: { id: 'delegations.link.the_partner', defaultMessage: 'The partner' },
});

export function TenantPartnerLinkPage() {
  const intl = useIntl();
  const { delegationId = '' } = useParams();
  const view = useView();
  const tenantId = view.tenant!.tenant_id;
  const roles = useDelegationRoles();
  const link = useApiQuery(delegationKeys.tenantOne(tenantId, delegationId), () => delegationsApi.tenantGet(tenantId, delegationId));
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const d = link.data;
  const open = d?.status === 'active' || d?.status === 'requested';
  const covered = d?.ban_ids ? (accounts.data?.data ?? []).filter((b) => d.ban_ids!.includes(b.id)) : null;
  return (
    <>
      <Anchor component={Link} to={`/tenant/${tenantId}/partners`} size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> {intl.formatMessage(m.back)}
      </Anchor>
      <ErrorAlert error={link.error} />
      {!d && !link.error && <Text c="dimmed">{intl.formatMessage(common.loading)}</Text>}
      {d && (
        <>
          <PageHeader title={d.partner.name ?? intl.formatMessage(m.partner)} badge={<StatusBadge status={d.status} />} description={intl.formatMessage(m.summary, { role: roles.name(d.role), until: formatDate(d.ends_at) })} />
          <Stack gap="lg">
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Paper withBorder radius="md" p="md" data-testid="link-access">
                <Text fw={600} size="sm" mb="xs">
                  {intl.formatMessage(m.mayDo, { partner: d.partner.name })}
                </Text>
                <Text size="sm">{intl.formatMessage(m.asRole, { role: roles.name(d.role) })}</Text>
                <AccessChangeWords overrides={d.overrides} />
              </Paper>
              <Paper withBorder radius="md" p="md">
                <Text fw={600} size="sm" mb="xs">
                  {intl.formatMessage(m.accounts)}
                </Text>
                <Text size="sm">{covered === null ? accountsWords(null) : accountsWords(covered)}</Text>
                <Text size="xs" c="dimmed" mt="xs">
                  {intl.formatMessage(m.endsOn, { date: formatDate(d.ends_at) })}
                </Text>
              </Paper>
            </SimpleGrid>
            <LinkLimitsPanel tenantId={tenantId} delegationId={delegationId} partner={d.partner.name ?? intl.formatMessage(m.thePartner)} canEdit={open} />
            <RelationshipPanel
              queryKey={delegationKeys.relationship('tenant', tenantId, delegationId)}
              load={() => delegationsApi.tenantRelationship(tenantId, delegationId)}
              save={(body) => delegationsApi.setTenantRelationship(tenantId, delegationId, body)}
              side="tenant"
              counterpart={d.partner.name ?? intl.formatMessage(m.thePartner)}
              canEdit={open}
            />
          </Stack>
        </>
      )}
    </>
  );
}
