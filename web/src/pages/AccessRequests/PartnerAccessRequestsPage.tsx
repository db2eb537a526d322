/**
 * Partner → Access requests: ask a customer for access with a template, follow the requests sent
 * (each read as the customer reads it), and keep the partner's own templates.
 */
import { useState } from 'react';
import { Button, Stack, Text, Title } from '@mantine/core';
import { accessRequestsApi, accessTemplatesApi, type AccessRequest, type AccessTemplate } from '../../api/accessRequests.ts';
import { accessRequestKeys } from '../../api/keys/accessRequests.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { RequestAccessForm } from './RequestAccessForm.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';
import { TemplatesTable } from './TemplatesTable.tsx';

export function PartnerAccessRequestsPage() {
  const membership = useView().partner!;
  const partnerId = membership.partner_id;
  // asking and keeping templates is the owners' (the server's permission, not a role name)
  const mayAsk = membership.permissions.includes('partner.delegations.manage');
  const usable = useApiQuery(accessRequestKeys.partnerTemplates(partnerId, 'usable'), () => accessTemplatesApi.usable(partnerId));
  const own = useApiQuery(accessRequestKeys.partnerTemplates(partnerId, 'own'), () => accessTemplatesApi.own(partnerId, 'active'));
  const requests = useApiQuery(accessRequestKeys.partnerRequests(partnerId), () => accessRequestsApi.partnerList(partnerId));
  const [editing, setEditing] = useState<AccessTemplate | null>(null);
  const [open, setOpen] = useState(false);
  const withdraw = useApiMutation((r: AccessRequest) => accessRequestsApi.withdraw(partnerId, r.id), { success: 'Request withdrawn.', notifyError: true, onDone: requests.reload });
  const reloadTemplates = () => {
    usable.reload();
    own.reload();
  };
  return (
    <Stack gap="lg">
      <PageHeader title="Access requests" description="Ask a customer for access with a template. Its admins approve or reject the request as a whole; once approved, the access appears under Customers I manage." />
      {mayAsk ? (
        <RequestAccessForm partnerId={partnerId} templates={usable.data?.data ?? []} onSent={requests.reload} />
      ) : (
        <Text>Your organization's owners ask customers for access; you can follow the requests here.</Text>
      )}
      <div>
        <Title order={3} mb="xs">
          Requests you sent
        </Title>
        <DataTable
          testId="partner-access-requests"
          records={requests.data?.data}
          loading={requests.loading}
          error={requests.error}
          rowKey={(r) => r.id}
          empty="No requests yet. Use the form above to ask a customer for access."
          columns={[
            { key: 'tenant', title: 'Customer', mobile: 'title', render: (r) => r.tenant.name ?? 'A customer' },
            { key: 'sentence', title: 'Request', render: (r) => <Text size="sm">{r.sentence}</Text> },
            { key: 'status', title: 'Status', render: (r) => <StatusBadge status={r.status} /> },
            { key: 'when', title: 'Sent', render: (r) => formatDate(r.requested_at), sortValue: (r) => r.requested_at },
            {
              key: 'actions',
              title: '',
              mobile: 'footer',
              render: (r) =>
                r.status === 'pending' ? (
                  <Button size="xs" variant="default" onClick={() => void withdraw.run(r)} aria-label={`Withdraw the request to ${r.tenant.name ?? 'the customer'}`}>
                    Withdraw
                  </Button>
                ) : null,
            },
          ]}
        />
      </div>
      <div>
        <Title order={3} mb="xs">
          Your own templates
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          Offers of your own, next to the platform's. Only your organization can ask with them.
        </Text>
        <Button
          mb="sm"
          display={mayAsk ? undefined : 'none'}
          variant="default"
          onClick={() => {
            setEditing(null);
            setOpen(true);
          }}
        >
          New template
        </Button>
        <TemplatesTable
          testId="partner-own-templates"
          templates={own.data?.data}
          loading={own.loading}
          error={own.error}
          empty="You have no templates of your own; the platform's are listed in the form above."
          onEdit={
            mayAsk
              ? (t) => {
                  setEditing(t);
                  setOpen(true);
                }
              : undefined
          }
        />
      </div>
      <TemplateEditor opened={open} template={editing} onClose={() => setOpen(false)} onSaved={reloadTemplates} save={(b) => (editing ? accessTemplatesApi.updateOwn(partnerId, editing.id, b) : accessTemplatesApi.createOwn(partnerId, b))} />
    </Stack>
  );
}
