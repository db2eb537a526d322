/** Billing accounts (BANs) of one tenant: open, rename, close and reopen. Used by the tenant home and the operator console. */
import { DataTable } from '../../components/DataTable.tsx';
import { useEffect, useState } from 'react';
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

export function BillingAccountsPanel({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const bans = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const [createOpen, setCreateOpen] = useState(false);
  const [renaming, setRenaming] = useState<BillingAccountDto | null>(null);
  const [closing, setClosing] = useState<BillingAccountDto | null>(null);

  const setStatus = useApiMutation((b: BillingAccountDto, status: 'active' | 'closed') => api.tenants.updateBillingAccount(tenantId, b.id, { status }), {
    success: (b) => (b.status === 'closed' ? `${b.account_number} closed.` : `${b.account_number} reopened.`),
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
          A billing account (BAN) is what orders and services are charged to. Partners are given access to specific accounts.
        </Text>
        {canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
            Open billing account
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
        empty="No billing accounts yet."
        columns={[
          { key: 'number', title: 'Account number', mobile: 'title', sortValue: (b) => b.account_number, render: (b) => <Text ff="monospace" fz="inherit">{b.account_number}</Text> },
          { key: 'name', title: 'Name', sortValue: (b) => b.name, render: (b) => b.name },
          { key: 'currency', title: 'Currency', sortValue: (b) => b.currency, render: (b) => b.currency },
          { key: 'status', title: 'Status', sortValue: (b) => b.status, render: (b) => <StatusBadge status={b.status} /> },
          { key: 'opened', title: 'Opened', sortValue: (b) => b.created_at, render: (b) => formatDate(b.created_at) },
          ...(canManage
            ? [
                actionsColumn((b: (typeof rows)[number]) => (
                    <RowActionsMenu label={`Actions for ${b.account_number}`}>
                      <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setRenaming(b)}>
                        Rename
                      </Menu.Item>
                      {b.status === 'active' ? (
                        <Menu.Item color="red" leftSection={<IconLock size={14} />} onClick={() => { setStatus.reset(); setClosing(b); }}>
                          Close account
                        </Menu.Item>
                      ) : (
                        <Menu.Item leftSection={<IconLockOpen size={14} />} onClick={() => void setStatus.run(b, 'active')}>
                          Reopen account
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
        title="Open a billing account"
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
        title={`Rename ${renaming?.account_number ?? ''}`}
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
        title={`Close ${closing?.account_number ?? ''}?`}
        message="Nothing new can be charged to a closed account. You can reopen it later."
        confirmLabel="Close account"
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
  const save = useApiMutation(p.submit, { success: (b) => (p.creating ? `Billing account ${b.account_number} opened.` : 'Billing account renamed.'), onDone: p.onSaved });
  const form = useApiForm(
    {
      initialValues: { name: '', account_number: '', currency: 'USD' },
      validate: {
        name: (v: string) => required(v, 'Enter a name for the billing account.'),
        account_number: (v: string) => (!v.trim() || /^[A-Z0-9-]+$/.test(v.trim()) ? undefined : 'Use only capital letters, digits and dashes.'),
        currency: (v: string) => (!p.creating || /^[A-Z]{3}$/.test(v.trim()) ? undefined : 'Enter a three-letter currency code, like USD or EUR.'),
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
          <TextInput label="Name" placeholder="e.g. Head office" withAsterisk {...form.getInputProps('name')} data-autofocus />
          {p.creating && (
            <>
              <TextInput
                label="Account number"
                description="Optional: capital letters, digits and dashes (e.g. BAN-1000000003). Generated when left empty."
                {...form.getInputProps('account_number')}
                onChange={(e) => form.setFieldValue('account_number', e.currentTarget.value.toUpperCase())}
              />
              <TextInput
                label="Currency"
                description="Three-letter code."
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
              Cancel
            </Button>
            <Button type="submit" loading={save.busy}>
              {p.creating ? 'Open account' : 'Save'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
