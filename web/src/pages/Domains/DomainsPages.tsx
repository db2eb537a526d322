/** The sign-in domain pages of a partner and a tenant (the same view on each one's routes), and the operator's list of all. */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
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

export function PartnerDomainsPage() {
  const p = useView().partner!;
  return <DomainsView owner={{ kind: 'partner', id: p.partner_id }} who={p.name} />;
}

export function TenantDomainsPage() {
  const t = useView().tenant!;
  return <DomainsView owner={{ kind: 'tenant', id: t.tenant_id }} who={t.name} />;
}

export function OperatorDomainsPage() {
  const list = useApiList(domainKeys.operator(), (cursor) => domainsApi.listAll(cursor));
  const [removing, setRemoving] = useState<OperatorOrganizationDomain | null>(null);
  const remove = useApiMutation((id: string) => domainsApi.removeAny(id), { success: 'Domain claim removed.', invalidates: [domainKeys.all], onDone: () => setRemoving(null) });
  return (
    <>
      <PageHeader
        title="Sign-in domains"
        description="The e-mail domains partners and customers have claimed, and whether each has proved it owns them with a DNS record. A domain is verified by one organization at a time; remove a claim to settle a dispute or after a company changed hands."
      />
      <DataTable
        testId="operator-domains"
        records={list.loading ? undefined : list.items}
        loading={list.loading}
        error={list.error}
        rowKey={(d) => d.id}
        empty="No organization has claimed a domain yet."
        more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
        columns={[
          { key: 'domain', title: 'Domain', render: (d) => <Text fw={600} style={{ wordBreak: 'break-all' }}>{d.domain}</Text>, sortValue: (d) => d.domain, mobile: 'title' },
          { key: 'owner', title: 'Organization', render: (d) => `${d.owner.name} (${d.owner.type === 'partner' ? 'partner' : 'customer'})`, sortValue: (d) => d.owner.name },
          { key: 'status', title: 'Status', render: (d) => <DomainStatusBadge status={d.status} /> },
          { key: 'checked', title: 'Last check', render: (d) => (d.last_checked_at ? `${timeAgo(d.last_checked_at)}: ${d.last_check_result ?? ''}` : 'Not checked yet'), sortValue: (d) => d.last_checked_at },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (d) => (
              <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(d)} aria-label={`Remove ${d.domain} of ${d.owner.name}`}>
                Remove
              </Button>
            ),
          },
        ]}
      />
      <Modal opened={!!removing} onClose={() => setRemoving(null)} title={removing ? `Remove ${removing.domain} from ${removing.owner.name}?` : ''}>
        {removing && (
          <Stack>
            <Text size="sm">
              {removing.status === 'verified'
                ? `${removing.owner.name} will no longer have ${removing.domain} verified, and another organization may then verify it. The removal is recorded in the audit log.`
                : `The claim is forgotten; ${removing.owner.name} can add the domain again. The removal is recorded in the audit log.`}
            </Text>
            <ErrorAlert error={remove.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoving(null)}>
                Keep it
              </Button>
              <Button color="red" onClick={() => void remove.run(removing.id)} loading={remove.busy} data-testid="confirm-remove">
                Remove
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
