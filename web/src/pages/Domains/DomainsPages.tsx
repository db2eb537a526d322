/** The sign-in domain pages of a partner and a tenant (the same view on each one's routes), and the operator's list of all. */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { domainsApi, type OperatorOrganizationDomain } from '../../api/domains.ts';
import { domainKeys } from '../../api/keys/domains.ts';
import { useView } from '../../session/useView.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { timeAgo } from '../../components/format.ts';
import { useApiList, useApiMutation } from '../../query/query.ts';
import { DomainsView } from './DomainsView.tsx';
import { DomainStatusBadge } from './DomainParts.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  claimRemoved: { id: 'domains.operator.claim_removed', defaultMessage: 'Domain claim removed.' },
  title: { id: 'domains.title', defaultMessage: 'Sign-in domains' },
  description: {
    id: 'domains.operator.description',
    defaultMessage:
      'The e-mail domains partners and customers have claimed, and whether each has proved it owns them with a DNS record. A domain is verified by one organization at a time; remove a claim to settle a dispute or after a company changed hands.',
  },
  empty: { id: 'domains.operator.empty', defaultMessage: 'No organization has claimed a domain yet.' },
  colDomain: { id: 'domains.operator.column.domain', defaultMessage: 'Domain' },
  colOrganization: { id: 'domains.operator.column.organization', defaultMessage: 'Organization' },
  owner: { id: 'domains.operator.owner', defaultMessage: '{name} ({type, select, partner {partner} other {customer}})' },
  colStatus: { id: 'domains.operator.column.status', defaultMessage: 'Status' },
  colLastCheck: { id: 'domains.operator.column.last_check', defaultMessage: 'Last check' },
  notChecked: { id: 'domains.operator.not_checked', defaultMessage: 'Not checked yet' },
  removeLabel: { id: 'domains.operator.remove_label', defaultMessage: 'Remove {domain} of {owner}' },
  remove: { id: 'domains.remove', defaultMessage: 'Remove' },
  removeTitle: { id: 'domains.operator.remove_title', defaultMessage: 'Remove {domain} from {owner}?' },
  removeVerified: {
    id: 'domains.operator.remove_verified',
    defaultMessage: '{owner} will no longer have {domain} verified, and another organization may then verify it. The removal is recorded in the audit log.',
  },
  removeClaim: {
    id: 'domains.operator.remove_claim',
    defaultMessage: 'The claim is forgotten; {owner} can add the domain again. The removal is recorded in the audit log.',
  },
  keep: { id: 'domains.keep', defaultMessage: 'Keep it' },
});

export function PartnerDomainsPage() {
  const p = useView().partner!;
  return <DomainsView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} />;
}

export function TenantDomainsPage() {
  const t = useView().tenant!;
  return <DomainsView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} />;
}

export function OperatorDomainsPage() {
  const intl = useIntl();
  const list = useApiList(domainKeys.operator(), (cursor) => domainsApi.listAll(cursor));
  const [removing, setRemoving] = useState<OperatorOrganizationDomain | null>(null);
  const remove = useApiMutation((id: string) => domainsApi.removeAny(id), { success: intl.formatMessage(m.claimRemoved), invalidates: [domainKeys.all], onDone: () => setRemoving(null) });
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
      />
      <DataTable
        testId="operator-domains"
        records={list.loading ? undefined : list.items}
        loading={list.loading}
        error={list.error}
        rowKey={(d) => d.id}
        empty={intl.formatMessage(m.empty)}
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          { key: 'domain', title: intl.formatMessage(m.colDomain), render: (d) => <Text fw={600} style={{ wordBreak: 'break-all' }}>{d.domain}</Text>, sortValue: (d) => d.domain, mobile: 'title' },
          { key: 'owner', title: intl.formatMessage(m.colOrganization), render: (d) => intl.formatMessage(m.owner, { name: d.owner.name, type: d.owner.type }), sortValue: (d) => d.owner.name },
          { key: 'status', title: intl.formatMessage(m.colStatus), render: (d) => <DomainStatusBadge status={d.status} /> },
          { key: 'checked', title: intl.formatMessage(m.colLastCheck), render: (d) => (d.last_checked_at ? `${timeAgo(d.last_checked_at)}: ${d.last_check_result ?? ''}` : intl.formatMessage(m.notChecked)), sortValue: (d) => d.last_checked_at },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (d) => (
              <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(d)} aria-label={intl.formatMessage(m.removeLabel, { domain: d.domain, owner: d.owner.name })}>
                <FormattedMessage {...m.remove} />
              </Button>
            ),
          },
        ]}
      />
      <Modal opened={!!removing} onClose={() => setRemoving(null)} title={removing ? intl.formatMessage(m.removeTitle, { domain: removing.domain, owner: removing.owner.name }) : ''}>
        {removing && (
          <Stack>
            <Text size="sm">
              {removing.status === 'verified'
                ? intl.formatMessage(m.removeVerified, { owner: removing.owner.name, domain: removing.domain })
                : intl.formatMessage(m.removeClaim, { owner: removing.owner.name })}
            </Text>
            <ErrorAlert error={remove.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoving(null)}>
                <FormattedMessage {...m.keep} />
              </Button>
              <Button color="red" onClick={() => void remove.run(removing.id)} loading={remove.busy} data-testid="confirm-remove">
                <FormattedMessage {...m.remove} />
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
