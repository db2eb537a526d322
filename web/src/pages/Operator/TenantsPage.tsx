/** Operator: every tenant, with search, a status filter and "create tenant" (optionally inviting its first admin). */
import { SearchField } from './SearchField.tsx';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, } from '@tabler/icons-react';
import { api, type TenantDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { InvitationModal, type PendingInvitation } from '../../components/InvitationModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, slugify } from '../../components/format.ts';
import { tierLabel } from '../../components/tiers.ts';
import { useApiMutation, useApiList } from '../../query/query.ts';
import { email, required, useApiForm } from '../../query/form.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'operator.tenants.title', defaultMessage: 'Tenants' },
  description: { id: 'operator.tenants.description', defaultMessage: 'Customer organizations on the platform. Each has members (admins and users) and billing accounts.' },
  create: { id: 'operator.tenants.create', defaultMessage: 'Create tenant' },
  searchPlaceholder: { id: 'operator.tenants.search.placeholder', defaultMessage: 'Search by name or slug' },
  searchLabel: { id: 'operator.tenants.search.label', defaultMessage: 'Search tenants' },
  anyStatus: { id: 'operator.tenants.filter.any_status', defaultMessage: 'Any status' },
  statusLabel: { id: 'operator.tenants.filter.status', defaultMessage: 'Filter by status' },
  statusActive: { id: 'operator.tenants.filter.status.active', defaultMessage: 'active' },
  statusSuspended: { id: 'operator.tenants.filter.status.suspended', defaultMessage: 'suspended' },
  statusClosed: { id: 'operator.tenants.filter.status.closed', defaultMessage: 'closed' },
  noMatch: { id: 'operator.tenants.empty.no_match', defaultMessage: 'No tenant matches.' },
  none: { id: 'operator.tenants.empty.none', defaultMessage: 'No tenants yet. Create the first one.' },
  name: { id: 'operator.tenants.column.name', defaultMessage: 'Name' },
  slug: { id: 'operator.tenants.column.slug', defaultMessage: 'Slug' },
  tier: { id: 'operator.tenants.column.tier', defaultMessage: 'Tier' },
  status: { id: 'operator.tenants.column.status', defaultMessage: 'Status' },
  created: { id: 'operator.tenants.column.created', defaultMessage: 'Created' },
  invitationWhat: { id: 'operator.tenants.invitation.what', defaultMessage: '{tenant} as its first admin' },
  createdNotice: { id: 'operator.tenants.create.done', defaultMessage: 'Tenant {name} created.' },
  nameRequired: { id: 'operator.tenants.create.name_required', defaultMessage: 'Enter the tenant’s name.' },
  slugRequired: { id: 'operator.tenants.create.slug_required', defaultMessage: 'Enter a slug, e.g. acme-fiber.' },
  slugInvalid: { id: 'operator.tenants.create.slug_invalid', defaultMessage: 'Use lowercase letters, digits and single dashes.' },
  adminRequired: { id: 'operator.tenants.create.admin_required', defaultMessage: 'Enter the first admin’s email address, or untick the invitation.' },
  modalTitle: { id: 'operator.tenants.create.title', defaultMessage: 'Create a tenant' },
  requiredNote: { id: 'operator.tenants.create.required_note', defaultMessage: 'Fields marked * are required.' },
  nameLabel: { id: 'operator.tenants.create.name', defaultMessage: 'Name' },
  namePlaceholder: { id: 'operator.tenants.create.name.placeholder', defaultMessage: 'e.g. Acme Fiber ISP' },
  slugLabel: { id: 'operator.tenants.create.slug', defaultMessage: 'Slug' },
  slugDescription: { id: 'operator.tenants.create.slug.description', defaultMessage: 'Lowercase letters, digits and dashes.' },
  tierLabel: { id: 'operator.tenants.create.tier', defaultMessage: 'Tier' },
  tierDescription: { id: 'operator.tenants.create.tier.description', defaultMessage: 'Plan or segment, e.g. standard, business.' },
  inviteLabel: { id: 'operator.tenants.create.invite', defaultMessage: 'Invite a first admin' },
  inviteDescription: { id: 'operator.tenants.create.invite.description', defaultMessage: "They receive a one-time link and join as the tenant's admin when they accept it." },
  adminEmail: { id: 'operator.tenants.create.admin_email', defaultMessage: 'Admin email' },
  referralCode: { id: 'operator.tenants.create.referral_code', defaultMessage: 'Referral code' },
  referralDescription: {
    id: 'operator.tenants.create.referral_code.description',
    defaultMessage: "Optional: the referral partner's code, when a partner brought this customer. It is recorded once and cannot be changed later.",
  },
  failed: { id: 'operator.tenants.create.failed', defaultMessage: 'The tenant was not created' },
});

export function TenantsPage() {
  const intl = useIntl();
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
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            <FormattedMessage {...m.create} />
          </Button>
        }
      />
      <Stack>
        <Group>
          <SearchField placeholder={intl.formatMessage(m.searchPlaceholder)} value={q} onChange={setQ} label={intl.formatMessage(m.searchLabel)} />
          <Select
            placeholder={intl.formatMessage(m.anyStatus)}
            data={[
              { value: 'active', label: intl.formatMessage(m.statusActive) },
              { value: 'suspended', label: intl.formatMessage(m.statusSuspended) },
              { value: 'closed', label: intl.formatMessage(m.statusClosed) },
            ]}
            value={status}
            onChange={setStatus}
            clearable
            w={180}
            aria-label={intl.formatMessage(m.statusLabel)}
          />
        </Group>
        <ErrorAlert error={list.error} />
        <DataTable
          testId="tenants-table"
          records={list.items}
          loading={list.loading}
          rowKey={(t) => t.id}
          onRowClick={(t) => navigate(`/operator/tenants/${t.id}`)}
          empty={intl.formatMessage(q || status ? m.noMatch : m.none)}
          more={{ hasMore: list.hasMore, onLoad: list.loadMore, loading: list.loadingMore }}
          columns={[
            {
              key: 'name',
              title: intl.formatMessage(m.name),
              mobile: 'title',
              sortValue: (t) => t.name,
              render: (t) => (
                <Anchor component={Link} to={`/operator/tenants/${t.id}`} onClick={(e) => e.stopPropagation()}>
                  {t.name}
                </Anchor>
              ),
            },
            { key: 'slug', title: intl.formatMessage(m.slug), sortValue: (t) => t.slug, render: (t) => <code>{t.slug}</code> },
            { key: 'tier', title: intl.formatMessage(m.tier), sortValue: (t) => tierLabel(t.tier), render: (t) => tierLabel(t.tier) },
            { key: 'status', title: intl.formatMessage(m.status), sortValue: (t) => t.status, render: (t) => <StatusBadge status={t.status} /> },
            { key: 'created', title: intl.formatMessage(m.created), sortValue: (t) => t.created_at, render: (t) => formatDate(t.created_at) },
          ]}
        />
      </Stack>
      <CreateTenantModal
        opened={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(t, inv) => {
          setCreateOpen(false);
          list.reload();
          if (inv) setInvitation({ email: inv.email, what: intl.formatMessage(m.invitationWhat, { tenant: t.name }), link: inv.link });
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
  const intl = useIntl();
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
      success: (r) => intl.formatMessage(m.createdNotice, { name: r.tenant.name }),
      onDone: (r) => onCreated(r.tenant, r.invitation ? { email: form.values.admin_email.trim(), link: r.invitation } : null),
    },
  );
  const form = useApiForm<CreateTenantValues>(
    {
      initialValues: { name: '', slug: '', tier: 'standard', with_admin: true, admin_email: '', referral_code: '' },
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        slug: (v) => required(v, intl.formatMessage(m.slugRequired)) ?? (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.trim()) ? undefined : intl.formatMessage(m.slugInvalid)),
        admin_email: (v, values) => (values.with_admin ? (required(v, intl.formatMessage(m.adminRequired)) ?? email(v, intl)) : undefined),
      },
    },
    create,
    { resetWhen: opened },
  );
  useEffect(() => {
    if (opened) setSlugTouched(false);
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.modalTitle)} size="lg">
      <form noValidate onSubmit={form.submit((v) => create.run(v))}>
        <Stack>
          <Text size="xs" c="dimmed">
            <FormattedMessage {...m.requiredNote} />
          </Text>
          <TextInput
            label={intl.formatMessage(m.nameLabel)}
            placeholder={intl.formatMessage(m.namePlaceholder)}
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
              label={intl.formatMessage(m.slugLabel)}
              description={intl.formatMessage(m.slugDescription)}
              withAsterisk
              {...form.getInputProps('slug')}
              onChange={(e) => {
                setSlugTouched(true);
                form.setFieldValue('slug', e.currentTarget.value);
              }}
            />
            <TextInput label={intl.formatMessage(m.tierLabel)} description={intl.formatMessage(m.tierDescription)} {...form.getInputProps('tier')} />
          </Group>
          <Checkbox
            label={intl.formatMessage(m.inviteLabel)}
            description={intl.formatMessage(m.inviteDescription)}
            {...form.getInputProps('with_admin', { type: 'checkbox' })}
          />
          {form.values.with_admin && <TextInput label={intl.formatMessage(m.adminEmail)} type="email" withAsterisk {...form.getInputProps('admin_email')} error={form.errors.admin_email ?? form.errors['admin.email']} />}
          <TextInput
            label={intl.formatMessage(m.referralCode)}
            description={intl.formatMessage(m.referralDescription)}
            {...form.getInputProps('referral_code')}
          />
          <ErrorAlert error={create.error} title={intl.formatMessage(m.failed)} labels={{ referral_code: intl.formatMessage(m.referralCode) }} />
          <FormActions onCancel={onClose} busy={create.busy} submitLabel={intl.formatMessage(m.create)} />
        </Stack>
      </form>
    </Modal>
  );
}
