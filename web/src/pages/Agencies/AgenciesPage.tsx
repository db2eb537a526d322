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

export function AgenciesPage() {
  const t = useView().tenant!;
  const list = useApiQuery(agencyKeys.list(t.tenant_id), () => agenciesApi.list(t.tenant_id));
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<AgencyDto | null>(null);

  const create = useApiMutation((n: string) => agenciesApi.create(t.tenant_id, n), {
    success: (a) => `Agency ${a.name} created.`,
    onDone: () => {
      setCreating(false);
      list.reload();
    },
  });
  const form = useApiForm({ initialValues: { name: '' }, validate: { name: (v: string) => required(v, 'Enter the agency’s name.') } }, create, { resetWhen: creating });
  const toggle = useApiMutation((a: AgencyDto) => agenciesApi.update(t.tenant_id, a.id, { status: a.status === 'active' ? 'inactive' : 'active' }), {
    success: (a) => (a.status === 'inactive' ? `${a.name} deactivated: its forms stop working now.` : `${a.name} reactivated.`),
    onDone: () => {
      setToggling(null);
      list.reload();
    },
  });

  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Agencies"
        description={`An agency is a business that sells for you — a travel agent, a shop — and gives its customers your vouchers: it issues and looks up ${t.name}’s vouchers through a form on its own website. It has no user account here: each form has its own token, at most 20 requests a minute.`}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => { create.reset(); setCreating(true); }}>
            New agency
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
        empty="No agencies yet. Create one, then generate a form token for it."
        columns={[
          {
            key: 'name',
            title: 'Agency',
            mobile: 'title',
            sortValue: (a) => a.name,
            render: (a) => (
              <Anchor component={Link} to={`/tenant/${t.tenant_id}/agencies/${a.id}`} fw={500}>
                {a.name}
              </Anchor>
            ),
          },
          { key: 'status', title: 'Status', sortValue: (a) => a.status, render: (a) => <StatusBadge status={a.status} /> },
          {
            key: 'forms',
            title: 'Active forms',
            sortValue: (a) => a.active_tokens ?? 0,
            render: (a) => (
              <>
                {a.active_tokens ?? 0}
                {a.total_tokens && a.total_tokens > (a.active_tokens ?? 0) ? <Text span size="xs" c="dimmed">{` (${a.total_tokens - (a.active_tokens ?? 0)} revoked)`}</Text> : null}
              </>
            ),
          },
          { key: 'last_used', title: 'Last used', sortValue: (a) => a.last_used_at, render: (a) => formatDateTime(a.last_used_at) },
          { key: 'created', title: 'Created', sortValue: (a) => a.created_at, render: (a) => formatDate(a.created_at) },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            align: 'right',
            mobile: 'footer',
            render: (a) => (
              <Button size="xs" variant="subtle" color={a.status === 'active' ? 'red' : 'teal'} onClick={() => { toggle.reset(); setToggling(a); }}>
                {a.status === 'active' ? 'Deactivate' : 'Reactivate'}
              </Button>
            ),
          },
        ]}
      />

      <Modal opened={creating} onClose={() => setCreating(false)} title="New agency">
        <form noValidate onSubmit={form.submit((v) => create.run(v.name.trim()))}>
          <Stack>
            <TextInput label="Agency name" description="How the agency is called in the portal, on its forms and in the audit log." withAsterisk maxLength={200} {...form.getInputProps('name')} data-autofocus />
            <ErrorAlert error={create.error} labels={{ name: 'Agency name' }} />
            <FormActions onCancel={() => setCreating(false)} busy={create.busy} submitLabel="Create agency" />
          </Stack>
        </form>
      </Modal>

      <ReasonModal
        opened={!!toggling}
        title={toggling?.status === 'active' ? 'Deactivate this agency?' : 'Reactivate this agency?'}
        message={
          toggling?.status === 'active'
            ? `Every form of ${toggling?.name} stops working on its next request. Its vouchers stay valid.`
            : `The active forms of ${toggling?.name} work again from their next request.`
        }
        confirmLabel={toggling?.status === 'active' ? 'Deactivate' : 'Reactivate'}
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
