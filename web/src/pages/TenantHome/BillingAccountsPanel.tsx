/** Billing accounts (BANs) of one tenant: open, rename, close and reopen. Used by the tenant home and the operator console. */
import { DataTable } from '../../components/DataTable.tsx';
import { useEffect, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconLock, IconLockOpen, IconPencil, IconPlus } from '@tabler/icons-react';
import { api, type BillingAccountDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { RowActionsMenu, actionsColumn } from '../../components/RowActionsMenu.tsx';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  closed: { id: 'tenant_home.billing_accounts.closed', defaultMessage: '{number} closed.' },
  reopened: { id: 'tenant_home.billing_accounts.reopened', defaultMessage: '{number} reopened.' },
  intro: {
    id: 'tenant_home.billing_accounts.intro',
    defaultMessage: 'A billing account (BAN) is what orders and services are charged to. Partners are given access to specific accounts.',
  },
  open: { id: 'tenant_home.billing_accounts.open', defaultMessage: 'Open billing account' },
  empty: { id: 'tenant_home.billing_accounts.empty', defaultMessage: 'No billing accounts yet.' },
  colNumber: { id: 'tenant_home.billing_accounts.column.number', defaultMessage: 'Account number' },
  colName: { id: 'tenant_home.billing_accounts.column.name', defaultMessage: 'Name' },
  colCurrency: { id: 'tenant_home.billing_accounts.column.currency', defaultMessage: 'Currency' },
  colStatus: { id: 'tenant_home.billing_accounts.column.status', defaultMessage: 'Status' },
  colOpened: { id: 'tenant_home.billing_accounts.column.opened', defaultMessage: 'Opened' },
  actionsFor: { id: 'tenant_home.billing_accounts.actions_for', defaultMessage: 'Actions for {number}' },
  rename: { id: 'tenant_home.billing_accounts.rename', defaultMessage: 'Rename' },
  close: { id: 'tenant_home.billing_accounts.close', defaultMessage: 'Close account' },
  reopen: { id: 'tenant_home.billing_accounts.reopen', defaultMessage: 'Reopen account' },
  openTitle: { id: 'tenant_home.billing_accounts.open.title', defaultMessage: 'Open a billing account' },
  renameTitle: { id: 'tenant_home.billing_accounts.rename.title', defaultMessage: 'Rename {number}' },
  closeTitle: { id: 'tenant_home.billing_accounts.close.title', defaultMessage: 'Close {number}?' },
  closeMessage: { id: 'tenant_home.billing_accounts.close.message', defaultMessage: 'Nothing new can be charged to a closed account. You can reopen it later.' },
  opened: { id: 'tenant_home.billing_accounts.opened', defaultMessage: 'Billing account {number} opened.' },
  renamed: { id: 'tenant_home.billing_accounts.renamed', defaultMessage: 'Billing account renamed.' },
  nameRequired: { id: 'tenant_home.billing_accounts.form.name_required', defaultMessage: 'Enter a name for the billing account.' },
  numberInvalid: { id: 'tenant_home.billing_accounts.form.number_invalid', defaultMessage: 'Use only capital letters, digits and dashes.' },
  currencyInvalid: { id: 'tenant_home.billing_accounts.form.currency_invalid', defaultMessage: 'Enter a three-letter currency code, like USD or EUR.' },
  name: { id: 'tenant_home.billing_accounts.form.name', defaultMessage: 'Name' },
  namePlaceholder: { id: 'tenant_home.billing_accounts.form.name_placeholder', defaultMessage: 'e.g. Head office' },
  number: { id: 'tenant_home.billing_accounts.form.number', defaultMessage: 'Account number' },
  numberHelp: {
    id: 'tenant_home.billing_accounts.form.number_help',
    defaultMessage: 'Optional: capital letters, digits and dashes (e.g. BAN-1000000003). Generated when left empty.',
  },
  currency: { id: 'tenant_home.billing_accounts.form.currency', defaultMessage: 'Currency' },
  currencyHelp: { id: 'tenant_home.billing_accounts.form.currency_help', defaultMessage: 'Three-letter code.' },
  cancel: { id: 'tenant_home.billing_accounts.form.cancel', defaultMessage: 'Cancel' },
  openAccount: { id: 'tenant_home.billing_accounts.form.open', defaultMessage: 'Open account' },
  save: { id: 'tenant_home.billing_accounts.form.save', defaultMessage: 'Save' },
});

export function BillingAccountsPanel({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const intl = useIntl();
  const bans = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const [createOpen, setCreateOpen] = useState(false);
  const [renaming, setRenaming] = useState<BillingAccountDto | null>(null);
  const [closing, setClosing] = useState<BillingAccountDto | null>(null);

  const setStatus = useApiMutation((b: BillingAccountDto, status: 'active' | 'closed') => api.tenants.updateBillingAccount(tenantId, b.id, { status }), {
    success: (b) => intl.formatMessage(b.status === 'closed' ? m.closed : m.reopened, { number: b.account_number }),
    notifyError: true,
    onDone: () => {
      setClosing(null);
      bans.reload();
    },
  });

  const rows = bans.data?.data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.intro} />
        </Text>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            <FormattedMessage {...m.open} />
          </Button>
        )}
      </Group>
      <ErrorAlert error={bans.error} />
      <DataTable
        testId="billing-accounts"
        records={rows}
        loading={bans.loading}
        rowKey={(b) => b.id}
        rowProps={(b) => ({ 'data-ban': b.account_number })}
        empty={intl.formatMessage(m.empty)}
        columns={[
          { key: 'number', title: intl.formatMessage(m.colNumber), mobile: 'title', sortValue: (b) => b.account_number, render: (b) => <Text ff="monospace" fz="inherit">{b.account_number}</Text> },
          { key: 'name', title: intl.formatMessage(m.colName), sortValue: (b) => b.name, render: (b) => b.name },
          { key: 'currency', title: intl.formatMessage(m.colCurrency), sortValue: (b) => b.currency, render: (b) => b.currency },
          { key: 'status', title: intl.formatMessage(m.colStatus), sortValue: (b) => b.status, render: (b) => <StatusBadge status={b.status} /> },
          { key: 'opened', title: intl.formatMessage(m.colOpened), sortValue: (b) => b.created_at, render: (b) => formatDate(b.created_at) },
          ...(canManage
            ? [
                actionsColumn((b: (typeof rows)[number]) => (
                    <RowActionsMenu label={intl.formatMessage(m.actionsFor, { number: b.account_number })}>
                      <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setRenaming(b)}>
                        <FormattedMessage {...m.rename} />
                      </Menu.Item>
                      {b.status === 'active' ? (
                        <Menu.Item color="red" leftSection={<IconLock size={14} />} onClick={() => { setStatus.reset(); setClosing(b); }}>
                          <FormattedMessage {...m.close} />
                        </Menu.Item>
                      ) : (
                        <Menu.Item leftSection={<IconLockOpen size={14} />} onClick={() => void setStatus.run(b, 'active')}>
                          <FormattedMessage {...m.reopen} />
                        </Menu.Item>
                      )}
                    </RowActionsMenu>
                  )),
              ]
            : []),
        ]}
      />

      <BillingAccountForm
        opened={createOpen}
        title={intl.formatMessage(m.openTitle)}
        onClose={() => setCreateOpen(false)}
        submit={(v) => api.tenants.createBillingAccount(tenantId, v)}
        onSaved={() => {
          setCreateOpen(false);
          bans.reload();
        }}
        creating
      />
      <BillingAccountForm
        opened={!!renaming}
        title={intl.formatMessage(m.renameTitle, { number: renaming?.account_number ?? '' })}
        initialName={renaming?.name}
        onClose={() => setRenaming(null)}
        submit={(v) => api.tenants.updateBillingAccount(tenantId, renaming!.id, { name: v.name })}
        onSaved={() => {
          setRenaming(null);
          bans.reload();
        }}
      />
      <ReasonModal
        opened={!!closing}
        title={intl.formatMessage(m.closeTitle, { number: closing?.account_number ?? '' })}
        message={intl.formatMessage(m.closeMessage)}
        confirmLabel={intl.formatMessage(m.close)}
        color="red"
        reason="none"
        busy={setStatus.busy}
        error={setStatus.error}
        onClose={() => setClosing(null)}
        onConfirm={() => closing && void setStatus.run(closing, 'closed')}
      />
    </Stack>
  );
}

function BillingAccountForm(p: {
  opened: boolean;
  title: string;
  initialName?: string;
  creating?: boolean;
  onClose(): void;
  submit(v: { name: string; account_number?: string; currency?: string }): Promise<BillingAccountDto>;
  onSaved(b: BillingAccountDto): void;
}) {
  const intl = useIntl();
  const save = useApiMutation(p.submit, { success: (b) => (p.creating ? intl.formatMessage(m.opened, { number: b.account_number }) : intl.formatMessage(m.renamed)), onDone: p.onSaved });
  const form = useApiForm(
    {
      initialValues: { name: '', account_number: '', currency: 'USD' },
      validate: {
        name: (v: string) => required(v, intl.formatMessage(m.nameRequired)),
        account_number: (v: string) => (!v.trim() || /^[A-Z0-9-]+$/.test(v.trim()) ? undefined : intl.formatMessage(m.numberInvalid)),
        currency: (v: string) => (!p.creating || /^[A-Z]{3}$/.test(v.trim()) ? undefined : intl.formatMessage(m.currencyInvalid)),
      },
    },
    save,
    { resetWhen: p.opened },
  );
  // Renaming starts from the account's current name.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (p.opened && p.initialName) form.setFieldValue('name', p.initialName);
  }, [p.opened]);
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title}>
      <form
        noValidate
        onSubmit={form.submit((v) =>
          save.run(p.creating ? { name: v.name.trim(), account_number: v.account_number.trim() || undefined, currency: v.currency.trim().toUpperCase() || undefined } : { name: v.name.trim() }),
        )}
      >
        <Stack>
          <TextInput label={intl.formatMessage(m.name)} placeholder={intl.formatMessage(m.namePlaceholder)} withAsterisk {...form.getInputProps('name')} data-autofocus />
          {p.creating && (
            <>
              <TextInput
                label={intl.formatMessage(m.number)}
                description={intl.formatMessage(m.numberHelp)}
                {...form.getInputProps('account_number')}
                onChange={(e) => form.setFieldValue('account_number', e.currentTarget.value.toUpperCase())}
              />
              <TextInput
                label={intl.formatMessage(m.currency)}
                description={intl.formatMessage(m.currencyHelp)}
                maxLength={3}
                withAsterisk
                {...form.getInputProps('currency')}
                onChange={(e) => form.setFieldValue('currency', e.currentTarget.value.toUpperCase())}
              />
            </>
          )}
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" loading={save.busy}>
              {intl.formatMessage(p.creating ? m.openAccount : m.save)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
