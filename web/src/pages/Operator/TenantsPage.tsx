/** Operator: every tenant, with search, a status filter and "create tenant" (optionally inviting its first admin). */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { api, type TenantDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { InvitationModal, type PendingInvitation } from '../../components/InvitationModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, slugify } from '../../components/format.ts';
import { useApiMutation, useApiList } from '../../query/query.ts';
import { email, required, useApiForm } from '../../query/form.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { tenantKeys } from '../../api/keys/tenants.ts';

export function TenantsPage() {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const list = useApiList(tenantKeys.list({ q: debouncedQ, status: status ?? undefined, limit: 50 }), (cursor) => api.tenants.list({ q: debouncedQ || undefined, status: status ?? undefined, cursor, limit: 50 }));
  const [createOpen, setCreateOpen] = useState(false);
  const [invitation, setInvitation] = useState<PendingInvitation | null>(null);
  const navigate = useNavigate();

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Customer organizations on the platform. Each has members (admins and users) and billing accounts."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            Create tenant
          </Button>
        }
      />
      <Stack>
        <Group>
          <TextInput placeholder="Search by name or slug" leftSection={<IconSearch size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={320} aria-label="Search tenants" />
          <Select
            placeholder="Any status"
            data={['active', 'suspended', 'closed']}
            value={status}
            onChange={setStatus}
            clearable
            w={180}
            aria-label="Filter by status"
          />
        </Group>
        <ErrorAlert error={list.error} />
        <DataTable
          testId="tenants-table"
          records={list.items}
          loading={list.loading}
          rowKey={(t) => t.id}
          onRowClick={(t) => navigate(`/operator/tenants/${t.id}`)}
          empty={q || status ? 'No tenant matches.' : 'No tenants yet. Create the first one.'}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: 'Name',
              mobile: 'title',
              sortValue: (t) => t.name,
              render: (t) => (
                <Anchor component={Link} to={`/operator/tenants/${t.id}`} onClick={(e) => e.stopPropagation()}>
                  {t.name}
                </Anchor>
              ),
            },
            { key: 'slug', title: 'Slug', sortValue: (t) => t.slug, render: (t) => <code>{t.slug}</code> },
            { key: 'tier', title: 'Tier', sortValue: (t) => t.tier, render: (t) => t.tier },
            { key: 'status', title: 'Status', sortValue: (t) => t.status, render: (t) => <StatusBadge status={t.status} /> },
            { key: 'created', title: 'Created', sortValue: (t) => t.created_at, render: (t) => formatDate(t.created_at) },
          ]}
        />
      </Stack>
      <CreateTenantModal
        opened={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(t, inv) => {
          setCreateOpen(false);
          list.reload();
          if (inv) setInvitation({ email: inv.email, what: `${t.name} as its first admin`, link: inv.link });
        }}
      />
      <InvitationModal invitation={invitation} onClose={() => setInvitation(null)} />
    </>
  );
}

interface CreateTenantValues {
  name: string;
  slug: string;
  tier: string;
  with_admin: boolean;
  admin_email: string;
  referral_code: string;
}

function CreateTenantModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(t: TenantDto, inv: { email: string; link: PendingInvitation['link'] } | null): void;
}) {
  const [slugTouched, setSlugTouched] = useState(false);
  const create = useApiMutation(
    (v: CreateTenantValues) =>
      api.tenants.create({
        name: v.name.trim(),
        slug: v.slug.trim(),
        tier: v.tier.trim() || undefined,
        admin: v.with_admin ? { email: v.admin_email.trim() } : undefined,
        referral_code: v.referral_code.trim().toUpperCase() || undefined,
      }),
    {
      success: (r) => `Tenant ${r.tenant.name} created.`,
      onDone: (r) => onCreated(r.tenant, r.invitation ? { email: form.values.admin_email.trim(), link: r.invitation } : null),
    },
  );
  const form = useApiForm<CreateTenantValues>(
    {
      initialValues: { name: '', slug: '', tier: 'standard', with_admin: true, admin_email: '', referral_code: '' },
      validate: {
        name: (v) => required(v, 'Enter the tenant’s name.'),
        slug: (v) => required(v, 'Enter a slug, e.g. acme-fiber.') ?? (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.trim()) ? undefined : 'Use lowercase letters, digits and single dashes.'),
        admin_email: (v, values) => (values.with_admin ? (required(v, 'Enter the first admin’s email address, or untick the invitation.') ?? email(v)) : undefined),
      },
    },
    create,
    { resetWhen: opened },
  );
  useEffect(() => {
    if (opened) setSlugTouched(false);
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title="Create a tenant" size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <Text size="xs" c="dimmed">
            Fields marked * are required.
          </Text>
          <TextInput
            label="Name"
            placeholder="e.g. Acme Fiber ISP"
            withAsterisk
            {...form.getInputProps('name')}
            onChange={(e) => {
              const v = e.currentTarget.value;
              form.setFieldValue('name', v);
              if (!slugTouched) form.setFieldValue('slug', slugify(v));
            }}
            data-autofocus
          />
          <Group grow align="flex-start">
            <TextInput
              label="Slug"
              description="Lowercase letters, digits and dashes."
              withAsterisk
              {...form.getInputProps('slug')}
              onChange={(e) => {
                setSlugTouched(true);
                form.setFieldValue('slug', e.currentTarget.value);
              }}
            />
            <TextInput label="Tier" description="Plan or segment, e.g. standard, business." {...form.getInputProps('tier')} />
          </Group>
          <Checkbox
            label="Invite a first admin"
            description="They receive a one-time link and join as the tenant's admin when they accept it."
            {...form.getInputProps('with_admin', { type: 'checkbox' })}
          />
          {form.values.with_admin && <TextInput label="Admin email" type="email" withAsterisk {...form.getInputProps('admin_email')} error={form.errors.admin_email ?? form.errors['admin.email']} />}
          <TextInput
            label="Referral code"
            description="Optional: the referral partner's code, when a partner brought this customer. It is recorded once and cannot be changed later."
            {...form.getInputProps('referral_code')}
          />
          <ErrorAlert error={create.error} title="The tenant was not created" labels={{ referral_code: 'Referral code' }} />
          <FormActions onCancel={onClose} busy={create.busy} submitLabel="Create tenant" />
        </Stack>
      </form>
    </Modal>
  );
}
