/**
 * Wholesaler side: "Resold customers". The owner provisions an end-customer tenant it resells —
 * the tenant, its first billing account and a `wholesale` delegation billed to the wholesaler's
 * own account — and its apps then act for that customer through token exchange (RFC 8693).
 */
import { DataTable } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { appsApi } from '../../api/apps.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { email, required, useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { appKeys } from '../../api/keys/apps.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'apps.resold.title', defaultMessage: 'Resold customers' },
  description: { id: 'apps.resold.description', defaultMessage: 'End customers {partner} resells. Your apps act for them by token exchange; what they order is billed to your own billing account.' },
  provisionButton: { id: 'apps.resold.provision_button', defaultMessage: 'Provision a customer' },
  provisioned: { id: 'apps.resold.provisioned', defaultMessage: '{name} provisioned.' },
  invitationTitle: { id: 'apps.resold.invitation_title', defaultMessage: 'Invitation for the admin of {name}' },
  invitationBody: { id: 'apps.resold.invitation_body.copy', defaultMessage: 'Send this one-time link to the customer’s administrator:' },
  invitationLink: { id: 'apps.resold.invitation_link', defaultMessage: 'invitation link' },
  hideInvitation: { id: 'apps.resold.invitation_hide', defaultMessage: 'Hide the invitation link' },
  empty: { id: 'apps.resold.empty', defaultMessage: 'No resold customers yet.' },
  colCustomer: { id: 'apps.resold.column.customer', defaultMessage: 'Customer' },
  colAccounts: { id: 'apps.resold.column.billing_accounts', defaultMessage: 'Billing accounts' },
  colBilledTo: { id: 'apps.resold.column.billed_to', defaultMessage: 'Billed to' },
  colDelegation: { id: 'apps.resold.column.delegation', defaultMessage: 'Delegation' },
  colSince: { id: 'apps.resold.column.since', defaultMessage: 'Since' },
  until: { id: 'apps.resold.until', defaultMessage: 'until {date}' },
  modalTitle: { id: 'apps.resold.modal_title', defaultMessage: 'Provision a resold customer' },
  nameRequired: { id: 'apps.resold.name_required', defaultMessage: 'Enter the customer’s name.' },
  slugRequired: { id: 'apps.resold.slug_required', defaultMessage: 'Enter a slug, e.g. bluebird-bakery.' },
  slugInvalid: { id: 'apps.resold.slug_invalid', defaultMessage: 'Use lowercase letters, digits and single dashes.' },
  nameLabel: { id: 'apps.resold.name_label', defaultMessage: 'Customer name' },
  slugLabel: { id: 'apps.resold.slug_label', defaultMessage: 'Slug' },
  slugHelp: { id: 'apps.resold.slug_help', defaultMessage: 'Lowercase letters, digits and dashes; unique on the platform.' },
  accountLabel: { id: 'apps.resold.account_label', defaultMessage: 'Billing account name' },
  accountHelp: { id: 'apps.resold.account_help', defaultMessage: 'Optional; the customer’s first account.' },
  adminLabel: { id: 'apps.resold.admin_label', defaultMessage: 'Customer admin email' },
  adminHelp: { id: 'apps.resold.admin_help', defaultMessage: 'Optional; gets a one-time invitation link.' },
  submit: { id: 'apps.resold.submit', defaultMessage: 'Provision' },
});

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
  const intl = useIntl();
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
      success: (r) => intl.formatMessage(m.provisioned, { name: r.resold.tenant.name }),
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
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { partner: partner.name })}
        actions={
          owner ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => { provision.reset(); setDraft(EMPTY); }}>
              <FormattedMessage {...m.provisionButton} />
            </Button>
          ) : undefined
        }
      />
      <ErrorAlert error={list.error} />
      {invitation && (
        <Alert color="teal" mb="md" withCloseButton closeButtonLabel={intl.formatMessage(m.hideInvitation)} onClose={() => setInvitation(null)} title={intl.formatMessage(m.invitationTitle, { name: invitation.name })} data-testid="resold-invitation">
          <Text size="sm" mb="xs">
            <FormattedMessage {...m.invitationBody} />
          </Text>
          <CopyableCode value={invitation.url} copyLabel={intl.formatMessage(m.invitationLink)} testId="resold-invitation-url" />
        </Alert>
      )}
      <DataTable
        testId="resold-tenants"
        records={rows}
        rowKey={(r) => r.delegation_id}
        verticalSpacing="sm"
        rowProps={(r) => ({ 'data-tenant': r.tenant.slug })}
        empty={intl.formatMessage(m.empty)}
        loading={list.loading}
        columns={[
          {
            key: 'customer',
            title: intl.formatMessage(m.colCustomer),
            mobile: 'title',
            render: (r) => (
              <>
                <Text fw={500}>{r.tenant.name}</Text>
                <Text size="xs" c="dimmed">
                  {r.tenant.slug}
                </Text>
              </>
            ),
          },
          {
            key: 'billing_accounts',
            title: intl.formatMessage(m.colAccounts),
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
          { key: 'billed_to', title: intl.formatMessage(m.colBilledTo), render: (r) => <>{r.bill_to_ban ? <Badge>{r.bill_to_ban}</Badge> : '—'}</> },
          {
            key: 'delegation',
            title: intl.formatMessage(m.colDelegation),
            render: (r) => (
              <>
                <StatusBadge status={r.delegation_status} />
                <Text size="xs" c="dimmed">
                  <FormattedMessage {...m.until} values={{ date: formatDate(r.ends_at) }} />
                </Text>
              </>
            ),
          },
          { key: 'since', title: intl.formatMessage(m.colSince), render: (r) => formatDate(r.created_at) },
        ]}
      />

      <Modal opened={!!draft} onClose={() => setDraft(null)} title={intl.formatMessage(m.modalTitle)}>
        {draft && <ProvisionForm provision={provision} onCancel={() => setDraft(null)} />}
      </Modal>
    </>
  );
}

/** The customer to set up: name and slug marked and checked in words; the slug follows the name until edited. */
function ProvisionForm({ provision, onCancel }: { provision: { run(d: Draft): Promise<unknown>; busy: boolean; error: unknown; reset(): void }; onCancel(): void }) {
  const intl = useIntl();
  const form = useApiForm<Draft>(
    {
      initialValues: EMPTY,
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        slug: (v) => required(v, intl.formatMessage(m.slugRequired)) ?? (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.trim()) ? undefined : intl.formatMessage(m.slugInvalid)),
        admin_email: (v) => email(v, intl),
      },
    },
    provision,
  );
  const d = form.values;
  return (
    <form noValidate onSubmit={form.submit((v) => provision.run(v))}>
      <Stack>
        <TextInput
          label={intl.formatMessage(m.nameLabel)}
          withAsterisk
          maxLength={200}
          {...form.getInputProps('name')}
          onChange={(e) => {
            const name = e.currentTarget.value;
            form.setValues({ name, slug: d.slug === slugify(d.name) ? slugify(name) : d.slug });
          }}
          data-autofocus
        />
        <TextInput label={intl.formatMessage(m.slugLabel)} description={intl.formatMessage(m.slugHelp)} withAsterisk {...form.getInputProps('slug')} />
        <TextInput label={intl.formatMessage(m.accountLabel)} description={intl.formatMessage(m.accountHelp)} {...form.getInputProps('billing_account_name')} />
        <TextInput
          label={intl.formatMessage(m.adminLabel)}
          description={intl.formatMessage(m.adminHelp)}
          {...form.getInputProps('admin_email')}
          error={form.errors.admin_email ?? form.errors['admin.email']}
        />
        <ErrorAlert error={provision.error} labels={{ name: intl.formatMessage(m.nameLabel), slug: intl.formatMessage(m.slugLabel) }} />
        <FormActions onCancel={onCancel} busy={provision.busy} submitLabel={intl.formatMessage(m.submit)} />
      </Stack>
    </form>
  );
}
