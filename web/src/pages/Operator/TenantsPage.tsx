/** Operator: every tenant, with search, a status filter and "create tenant" (optionally inviting its first admin). */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Button, Checkbox, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
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

export function TenantsPage() {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const list = useApiList(['tenants', 'list', debouncedQ, status], (cursor) => api.tenants.list({ q: debouncedQ || undefined, status: status ?? undefined, cursor, limit: 50 }));
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

function CreateTenantModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(t: TenantDto, inv: { email: string; link: PendingInvitation['link'] } | null): void;
}) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [tier, setTier] = useState('standard');
  const [withAdmin, setWithAdmin] = useState(true);
  const [adminEmail, setAdminEmail] = useState('');
  const create = useApiMutation(
    () =>
      api.tenants.create({
        name: name.trim(),
        slug: slug.trim(),
        tier: tier.trim() || undefined,
        admin: withAdmin ? { email: adminEmail.trim() } : undefined,
      }),
    {
      success: (r) => `Tenant ${r.tenant.name} created.`,
      onDone: (r) => onCreated(r.tenant, r.invitation ? { email: adminEmail.trim(), link: r.invitation } : null),
    },
  );
  useEffect(() => {
    if (opened) {
      setName('');
      setSlug('');
      setSlugTouched(false);
      setTier('standard');
      setWithAdmin(true);
      setAdminEmail('');
      create.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title="Create a tenant" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            placeholder="e.g. Acme Fiber ISP"
            required
            value={name}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setName(v);
              if (!slugTouched) setSlug(slugify(v));
            }}
            error={create.fieldError('name')}
            data-autofocus
          />
          <Group grow align="flex-start">
            <TextInput
              label="Slug"
              description="Lowercase letters, digits and dashes."
              required
              value={slug}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.currentTarget.value);
              }}
              error={create.fieldError('slug')}
            />
            <TextInput label="Tier" description="Plan or segment, e.g. standard, business." value={tier} onChange={(e) => setTier(e.currentTarget.value)} error={create.fieldError('tier')} />
          </Group>
          <Checkbox
            label="Invite a first admin"
            description="They receive a one-time link and join as the tenant's admin when they accept it."
            checked={withAdmin}
            onChange={(e) => setWithAdmin(e.currentTarget.checked)}
          />
          {withAdmin && (
            <TextInput label="Admin email" type="email" required value={adminEmail} onChange={(e) => setAdminEmail(e.currentTarget.value)} error={create.fieldError('admin.email')} />
          )}
          <ErrorAlert error={create.error} title="The tenant was not created" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.busy}>
              Create tenant
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
