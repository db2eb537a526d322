/** A tenant's agencies: create, open, deactivate and reactivate. */
import { DataTable } from '../../components/DataTable.tsx';
import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { agenciesApi, type AgencyDto } from '../../api/agencies.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { useView } from '../../session/useView.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { agencyKeys } from '../../api/keys/agencies.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  created: { id: 'agencies.created', defaultMessage: 'Agency {name} created.' },
  nameRequired: { id: 'agencies.name_required', defaultMessage: 'Enter the agency’s name.' },
  deactivated: { id: 'agencies.deactivated', defaultMessage: '{name} deactivated: its forms stop working now.' },
  reactivated: { id: 'agencies.reactivated', defaultMessage: '{name} reactivated.' },
  title: { id: 'agencies.title', defaultMessage: 'Agencies' },
  description: {
    id: 'agencies.description',
    defaultMessage:
      'An agency is a business that sells for you — a travel agent, a shop — and gives its customers your vouchers: it issues and looks up {tenant}’s vouchers through a form on its own website. It has no user account here: each form has its own token, at most 20 requests a minute.',
  },
  newAgency: { id: 'agencies.new', defaultMessage: 'New agency' },
  empty: { id: 'agencies.empty', defaultMessage: 'No agencies yet. Create one, then generate a form token for it.' },
  colAgency: { id: 'agencies.column.agency', defaultMessage: 'Agency' },
  colStatus: { id: 'agencies.column.status', defaultMessage: 'Status' },
  colForms: { id: 'agencies.column.active_forms', defaultMessage: 'Active forms' },
  revokedCount: { id: 'agencies.column.revoked_count', defaultMessage: '({count, plural, other {# revoked}})' },
  colLastUsed: { id: 'agencies.column.last_used', defaultMessage: 'Last used' },
  colCreated: { id: 'agencies.column.created', defaultMessage: 'Created' },
  colActions: { id: 'agencies.column.actions', defaultMessage: 'Actions' },
  deactivate: { id: 'agencies.deactivate', defaultMessage: 'Deactivate' },
  reactivate: { id: 'agencies.reactivate', defaultMessage: 'Reactivate' },
  agencyName: { id: 'agencies.form.name', defaultMessage: 'Agency name' },
  agencyNameHelp: { id: 'agencies.form.name_help', defaultMessage: 'How the agency is called in the portal, on its forms and in the audit log.' },
  createAgency: { id: 'agencies.form.create', defaultMessage: 'Create agency' },
  deactivateTitle: { id: 'agencies.deactivate.title', defaultMessage: 'Deactivate this agency?' },
  reactivateTitle: { id: 'agencies.reactivate.title', defaultMessage: 'Reactivate this agency?' },
  deactivateMessage: { id: 'agencies.deactivate.message', defaultMessage: 'Every form of {name} stops working on its next request. Its vouchers stay valid.' },
  reactivateMessage: { id: 'agencies.reactivate.message', defaultMessage: 'The active forms of {name} work again from their next request.' },
});

export function AgenciesPage() {
  const t = useView().tenant!;
  const intl = useIntl();
  const list = useApiQuery(agencyKeys.list(t.tenant_id), () => agenciesApi.list(t.tenant_id));
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<AgencyDto | null>(null);

  const create = useApiMutation((n: string) => agenciesApi.create(t.tenant_id, n), {
    success: (a) => intl.formatMessage(m.created, { name: a.name }),
    onDone: () => {
      setCreating(false);
      list.reload();
    },
  });
  const form = useApiForm({ initialValues: { name: '' }, validate: { name: (v: string) => required(v, intl.formatMessage(m.nameRequired)) } }, create, { resetWhen: creating });
  const toggle = useApiMutation((a: AgencyDto) => agenciesApi.update(t.tenant_id, a.id, { status: a.status === 'active' ? 'inactive' : 'active' }), {
    success: (a) => intl.formatMessage(a.status === 'inactive' ? m.deactivated : m.reactivated, { name: a.name }),
    onDone: () => {
      setToggling(null);
      list.reload();
    },
  });

  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { tenant: t.name })}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => { create.reset(); setCreating(true); }}>
            <FormattedMessage {...m.newAgency} />
          </Button>
        }
      />
      <ErrorAlert error={list.error} />
      <DataTable
        testId="agencies"
        records={rows}
        loading={list.loading}
        rowKey={(a) => a.id}
        rowProps={(a) => ({ 'data-agency': a.name })}
        empty={intl.formatMessage(m.empty)}
        columns={[
          {
            key: 'name',
            title: intl.formatMessage(m.colAgency),
            mobile: 'title',
            sortValue: (a) => a.name,
            render: (a) => (
              <Anchor component={Link} to={`/tenant/${t.tenant_id}/agencies/${a.id}`} fw={500}>
                {a.name}
              </Anchor>
            ),
          },
          { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (a) => a.status, render: (a) => <StatusBadge status={a.status} /> },
          {
            key: 'forms',
            title: intl.formatMessage(m.colForms),
            sortValue: (a) => a.active_tokens ?? 0,
            render: (a) => (
              <>
                {a.active_tokens ?? 0}
                {a.total_tokens && a.total_tokens > (a.active_tokens ?? 0) ? <Text span size="xs" c="dimmed">{` ${intl.formatMessage(m.revokedCount, { count: a.total_tokens - (a.active_tokens ?? 0) })}`}</Text> : null}
              </>
            ),
          },
          { key: 'last_used', title: intl.formatMessage(m.colLastUsed), sortValue: (a) => a.last_used_at, render: (a) => formatDateTime(a.last_used_at) },
          { key: 'created', title: intl.formatMessage(m.colCreated), sortValue: (a) => a.created_at, render: (a) => formatDate(a.created_at) },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.colActions),
            align: 'right',
            mobile: 'footer',
            render: (a) => (
              <Button size="xs" variant="subtle" color={a.status === 'active' ? 'red' : 'teal'} onClick={() => { toggle.reset(); setToggling(a); }}>
                {intl.formatMessage(a.status === 'active' ? m.deactivate : m.reactivate)}
              </Button>
            ),
          },
        ]}
      />

      <Modal opened={creating} onClose={() => setCreating(false)} title={intl.formatMessage(m.newAgency)}>
        <form noValidate onSubmit={form.submit((v) => create.run(v.name.trim()))}>
          <Stack>
            <TextInput
              label={intl.formatMessage(m.agencyName)}
              description={intl.formatMessage(m.agencyNameHelp)}
              withAsterisk maxLength={200} {...form.getInputProps('name')} data-autofocus />
            <ErrorAlert error={create.error} labels={{ name: intl.formatMessage(m.agencyName) }} />
            <FormActions onCancel={() => setCreating(false)} busy={create.busy} submitLabel={intl.formatMessage(m.createAgency)} />
          </Stack>
        </form>
      </Modal>

      <ReasonModal
        opened={!!toggling}
        title={intl.formatMessage(toggling?.status === 'active' ? m.deactivateTitle : m.reactivateTitle)}
        message={
          intl.formatMessage(toggling?.status === 'active' ? m.deactivateMessage : m.reactivateMessage, { name: toggling?.name })
        }
        confirmLabel={intl.formatMessage(toggling?.status === 'active' ? m.deactivate : m.reactivate)}
        color={toggling?.status === 'active' ? 'red' : 'teal'}
        reason="none"
        busy={toggle.busy}
        error={toggle.error}
        onClose={() => setToggling(null)}
        onConfirm={() => toggling && void toggle.run(toggling)}
      />
    </>
  );
}
