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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  withdrawn: { id: 'access_requests.partner.withdrawn', defaultMessage: 'Request withdrawn.' },
  title: { id: 'access_requests.partner.title', defaultMessage: 'Access requests' },
  description: {
    id: 'access_requests.partner.description',
    defaultMessage: 'Ask a customer for access with a template. Its admins approve or reject the request as a whole; once approved, the access appears under Customers I manage.',
  },
  ownersAsk: { id: 'access_requests.partner.owners_ask', defaultMessage: "Your organization's owners ask customers for access; you can follow the requests here." },
  sent: { id: 'access_requests.partner.sent.title', defaultMessage: 'Requests you sent' },
  sentEmpty: { id: 'access_requests.partner.sent.empty', defaultMessage: 'No requests yet. Use the form above to ask a customer for access.' },
  colCustomer: { id: 'access_requests.partner.sent.column.customer', defaultMessage: 'Customer' },
  aCustomer: { id: 'access_requests.partner.sent.a_customer', defaultMessage: 'A customer' },
  colRequest: { id: 'access_requests.partner.sent.column.request', defaultMessage: 'Request' },
  colStatus: { id: 'access_requests.partner.sent.column.status', defaultMessage: 'Status' },
  colSent: { id: 'access_requests.partner.sent.column.sent', defaultMessage: 'Sent' },
  withdrawLabel: { id: 'access_requests.partner.sent.withdraw_label', defaultMessage: 'Withdraw the request to {customer}' },
  theCustomer: { id: 'access_requests.partner.sent.the_customer', defaultMessage: 'the customer' },
  withdraw: { id: 'access_requests.partner.sent.withdraw', defaultMessage: 'Withdraw' },
  own: { id: 'access_requests.partner.own.title', defaultMessage: 'Your own templates' },
  ownHelp: { id: 'access_requests.partner.own.help', defaultMessage: "Offers of your own, next to the platform's. Only your organization can ask with them." },
  newTemplate: { id: 'access_requests.partner.own.new', defaultMessage: 'New template' },
  ownEmpty: { id: 'access_requests.partner.own.empty', defaultMessage: "You have no templates of your own; the platform's are listed in the form above." },
});

export function PartnerAccessRequestsPage() {
  const membership = useView().partner!;
  const intl = useIntl();
  const partnerId = membership.partner_id;
  // asking and keeping templates is the owners' (the server's permission, not a role name)
  const mayAsk = membership.permissions.includes('partner.delegations.manage');
  const usable = useApiQuery(accessRequestKeys.partnerTemplates(partnerId, 'usable'), () => accessTemplatesApi.usable(partnerId));
  const own = useApiQuery(accessRequestKeys.partnerTemplates(partnerId, 'own'), () => accessTemplatesApi.own(partnerId, 'active'));
  const requests = useApiQuery(accessRequestKeys.partnerRequests(partnerId), () => accessRequestsApi.partnerList(partnerId));
  const [editing, setEditing] = useState<AccessTemplate | null>(null);
  const [open, setOpen] = useState(false);
  const withdraw = useApiMutation((r: AccessRequest) => accessRequestsApi.withdraw(partnerId, r.id), { success: intl.formatMessage(m.withdrawn), notifyError: true, onDone: requests.reload });
  const reloadTemplates = () => {
    usable.reload();
    own.reload();
  };
  return (
    <Stack gap="lg">
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      {mayAsk ? (
        <RequestAccessForm partnerId={partnerId} templates={usable.data?.data ?? []} onSent={requests.reload} />
      ) : (
        <Text>
          <FormattedMessage {...m.ownersAsk} />
        </Text>
      )}
      <div>
        <Title order={2} size="h3" mb="xs">
          <FormattedMessage {...m.sent} />
        </Title>
        <DataTable
          testId="partner-access-requests"
          records={requests.data?.data}
          loading={requests.loading}
          error={requests.error}
          rowKey={(r) => r.id}
          empty={intl.formatMessage(m.sentEmpty)}
          columns={[
            { key: 'tenant', title: intl.formatMessage(m.colCustomer), mobile: 'title', render: (r) => r.tenant.name ?? intl.formatMessage(m.aCustomer) },
            { key: 'sentence', title: intl.formatMessage(m.colRequest), render: (r) => <Text size="sm">{r.sentence}</Text> },
            { key: 'status', title: intl.formatMessage(m.colStatus), render: (r) => <StatusBadge status={r.status} /> },
            { key: 'when', title: intl.formatMessage(m.colSent), render: (r) => formatDate(r.requested_at), sortValue: (r) => r.requested_at },
            {
              key: 'actions',
              title: '',
              mobile: 'footer',
              render: (r) =>
                r.status === 'pending' ? (
                  <Button size="xs" variant="default" onClick={() => void withdraw.run(r)} aria-label={intl.formatMessage(m.withdrawLabel, { customer: r.tenant.name ?? intl.formatMessage(m.theCustomer) })}>
                    <FormattedMessage {...m.withdraw} />
                  </Button>
                ) : null,
            },
          ]}
        />
      </div>
      <div>
        <Title order={2} size="h3" mb="xs">
          <FormattedMessage {...m.own} />
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          <FormattedMessage {...m.ownHelp} />
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
          <FormattedMessage {...m.newTemplate} />
        </Button>
        <TemplatesTable
          testId="partner-own-templates"
          templates={own.data?.data}
          loading={own.loading}
          error={own.error}
          empty={intl.formatMessage(m.ownEmpty)}
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
