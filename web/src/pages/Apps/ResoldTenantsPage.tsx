/**
 * Wholesaler side: "Resold customers". The owner provisions an end-customer tenant it resells —
 * the tenant, its first billing account and a `wholesale` delegation billed to the wholesaler's
 * own account — and its apps then act for that customer through token exchange (RFC 8693).
 */
import { DataTable } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { appsApi } from '../../api/apps.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { email, required, useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { appKeys } from '../../api/keys/apps.ts';

interface Draft {
  name: string;
  slug: string;
  billing_account_name: string;
  admin_email: string;
}
const EMPTY: Draft = { name: '', slug: '', billing_account_name: '', admin_email: '' };
const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

export function ResoldTenantsPage() {
  const partner = useView().partner!;
  const owner = allows(partner, 'partner.delegations.manage');
  const list = useApiQuery(appKeys.resold(partner.partner_id), () => appsApi.resold(partner.partner_id));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [invitation, setInvitation] = useState<{ name: string; url: string } | null>(null);
  const provision = useApiMutation(
    (d: Draft) =>
      appsApi.provision(partner.partner_id, {
        name: d.name.trim(),
        slug: d.slug.trim(),
        ...(d.billing_account_name.trim() ? { billing_account_name: d.billing_account_name.trim() } : {}),
        ...(d.admin_email.trim() ? { admin: { email: d.admin_email.trim() } } : {}),
      }),
    {
      success: (r) => `${r.resold.tenant.name} provisioned.`,
      onDone: (r) => {
        setDraft(null);
        if (r.invitation) setInvitation({ name: r.resold.tenant.name, url: r.invitation.url });
        list.reload();
      },
    },
  );
  const rows = list.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Resold customers"
        description={`End customers ${partner.name} resells. Your apps act for them by token exchange; what they order is billed to your own billing account.`}
        actions={
          owner ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => { provision.reset(); setDraft(EMPTY); }}>
              Provision a customer
            </Button>
          ) : undefined
        }
      />
      <ErrorAlert error={list.error} />
      {invitation && (
        <Alert color="teal" mb="md" withCloseButton onClose={() => setInvitation(null)} title={`Invitation for the admin of ${invitation.name}`} data-testid="resold-invitation">
          Send this one-time link to the customer's administrator: <Code>{invitation.url}</Code>
        </Alert>
      )}
      <DataTable
        testId="resold-tenants"
        records={rows}
        rowKey={(r) => r.delegation_id}
        verticalSpacing="sm"
        rowProps={(r) => ({ 'data-tenant': r.tenant.slug })}
        empty={'No resold customers yet.'}
        loading={list.loading}
        columns={[
          {
            key: 'customer',
            title: 'Customer',
            mobile: 'title',
            render: (r) => (
              <>
                <Text fw={500}>{r.tenant.name}</Text>
                <Text size="xs" c="dimmed">
                  {r.tenant.slug} · <Code>{r.tenant.id}</Code>
                </Text>
              </>
            ),
          },
          {
            key: 'billing_accounts',
            title: 'Billing accounts',
            render: (r) => (
              <>
                <Group gap={4}>
                  {r.billing_accounts.map((b) => (
                    <Badge key={b.id} variant="light" title={b.name}>
                      {b.account_number}
                    </Badge>
                  ))}
                </Group>
              </>
            ),
          },
          { key: 'billed_to', title: 'Billed to', render: (r) => <>{r.bill_to_ban ? <Badge>{r.bill_to_ban}</Badge> : '—'}</> },
          {
            key: 'delegation',
            title: 'Delegation',
            render: (r) => (
              <>
                <StatusBadge status={r.delegation_status} />
                <Text size="xs" c="dimmed">
                  until {formatDate(r.ends_at)}
                </Text>
              </>
            ),
          },
          { key: 'since', title: 'Since', render: (r) => formatDate(r.created_at) },
        ]}
      />

      <Modal opened={!!draft} onClose={() => setDraft(null)} title="Provision a resold customer">
        {draft && <ProvisionForm provision={provision} onCancel={() => setDraft(null)} />}
      </Modal>
    </>
  );
}

/** The customer to set up: name and slug marked and checked in words; the slug follows the name until edited. */
function ProvisionForm({ provision, onCancel }: { provision: { run(d: Draft): Promise<unknown>; busy: boolean; error: unknown; reset(): void }; onCancel(): void }) {
  const form = useApiForm<Draft>(
    {
      initialValues: EMPTY,
      validate: {
        name: (v) => required(v, 'Enter the customer’s name.'),
        slug: (v) => required(v, 'Enter a slug, e.g. bluebird-bakery.') ?? (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.trim()) ? undefined : 'Use lowercase letters, digits and single dashes.'),
        admin_email: (v) => email(v),
      },
    },
    provision,
  );
  const d = form.values;
  return (
    <form noValidate onSubmit={form.submit((v) => provision.run(v))}>
      <Stack>
        <TextInput
          label="Customer name"
          withAsterisk
          maxLength={200}
          {...form.getInputProps('name')}
          onChange={(e) => {
            const name = e.currentTarget.value;
            form.setValues({ name, slug: d.slug === slugify(d.name) ? slugify(name) : d.slug });
          }}
          data-autofocus
        />
        <TextInput label="Slug" description="Lowercase letters, digits and dashes; unique on the platform." withAsterisk {...form.getInputProps('slug')} />
        <TextInput label="Billing account name" description="Optional; the customer's first account." {...form.getInputProps('billing_account_name')} />
        <TextInput
          label="Customer admin email"
          description="Optional; gets a one-time invitation link."
          {...form.getInputProps('admin_email')}
          error={form.errors.admin_email ?? form.errors['admin.email']}
        />
        <ErrorAlert error={provision.error} labels={{ name: 'Customer name', slug: 'Slug' }} />
        <FormActions onCancel={onCancel} busy={provision.busy} submitLabel="Provision" />
      </Stack>
    </form>
  );
}
