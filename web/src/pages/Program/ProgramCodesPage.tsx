/**
 * Referral codes: each has a sign-up link to share. Owner and staff create codes; staff see the codes they
 * created; only the owner turns a code on or off (the Manage Codes permission).
 */
import { useState } from 'react';
import { Badge, Button, CopyButton, Group, Modal, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import { programApi, type ReferralCode } from '../../api/program.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { programKeys } from '../../api/keys/program.ts';

function fullLink(c: ReferralCode): string {
  return new URL(c.signup_url, window.location.origin).toString();
}

function CopyLink({ code, variant = 'light' }: { code: ReferralCode; variant?: string }) {
  return (
    <CopyButton value={fullLink(code)}>
      {({ copied, copy }) => (
        <Button size="xs" variant={variant} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy} aria-label={`Copy the sign-up link of ${code.code}`}>
          {copied ? 'Link copied' : 'Copy sign-up link'}
        </Button>
      )}
    </CopyButton>
  );
}

export function ProgramCodesPage() {
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const canManage = allows(m, 'partner.referral_codes.manage');
  const codes = useApiQuery(programKeys.codes(pid), () => programApi.codes(pid));
  // a table row keeps its buttons side by side; a phone card lets them wrap
  const phone = useMediaQuery('(max-width: 48em)');
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<ReferralCode | null>(null);
  const create = useApiMutation((v: { label: string; landing_note: string }) => programApi.createCode(pid, { label: v.label.trim() || undefined, landing_note: v.landing_note.trim() || undefined }), {
    onDone: (c) => setCreated(c),
    invalidates: [programKeys.of(pid)],
  });
  const toggle = useApiMutation((c: ReferralCode) => programApi.setCodeActive(pid, c.code, !c.active), {
    success: (c) => (c.active ? `${c.code} is active again: its link works.` : `${c.code} is turned off: its link no longer signs anyone up.`),
    notifyError: true,
    invalidates: [programKeys.of(pid)],
  });
  const form = useApiForm({ initialValues: { label: '', landing_note: '' } }, create, { resetWhen: open });
  const close = () => {
    setOpen(false);
    setCreated(null);
  };

  return (
    <>
      <PageHeader
        title="Referral codes"
        description={
          canManage
            ? 'Share a code’s sign-up link: organizations that sign up with it are credited to you. Turn a code off when it should no longer be used.'
            : 'Share a code’s sign-up link: organizations that sign up with it are credited to your organization. You see the codes you created; an owner can turn codes off.'
        }
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen(true)}>
            New code
          </Button>
        }
      />
      <ErrorAlert error={codes.error} />
      <DataTable
        testId="codes-table"
        records={codes.data?.items}
        loading={codes.loading}
        rowKey={(c) => c.code}
        rowProps={(c) => ({ 'data-code': c.code })}
        empty="No codes yet. Create one and share its sign-up link."
        defaultSort={{ key: 'created', direction: 'desc' }}
        columns={[
          {
            key: 'code',
            title: 'Code',
            mobile: 'title',
            sortValue: (c) => c.code,
            render: (c) => (
              <Stack gap={0}>
                <Text ff="monospace" fw={600} size="sm">
                  {c.code}
                </Text>
                {c.label && (
                  <Text size="xs" c="dimmed">
                    {c.label}
                  </Text>
                )}
              </Stack>
            ),
          },
          { key: 'note', title: 'Note for visitors', render: (c) => c.landing_note || <Text c="dimmed" size="sm">—</Text> },
          { key: 'signups', title: 'Sign-ups', align: 'right', sortValue: (c) => c.sign_ups, render: (c) => c.sign_ups },
          { key: 'by', title: 'Created by', sortValue: (c) => c.created_by?.name, render: (c) => c.created_by?.name ?? '—' },
          { key: 'created', title: 'Created', sortValue: (c) => c.created_at, render: (c) => formatDate(c.created_at), style: { whiteSpace: 'nowrap' } },
          {
            key: 'status',
            title: 'Status',
            sortValue: (c) => (c.active ? 0 : 1),
            render: (c) => (
              <Badge color={c.active ? 'teal' : 'gray'} variant="light">
                {c.active ? 'Active' : 'Off'}
              </Badge>
            ),
          },
          {
            key: 'actions',
            title: '',
            mobile: 'footer',
            render: (c) => (
              <Group gap="xs" wrap={phone ? 'wrap' : 'nowrap'}>
                {c.active && <CopyLink code={c} />}
                {canManage && (
                  <Tooltip label={c.active ? 'The link stops working; sign-ups already made stay credited.' : 'The link works again.'}>
                    <Button size="xs" variant="default" loading={toggle.busy} onClick={() => void toggle.run(c)}>
                      {c.active ? 'Turn off' : 'Turn on'}
                    </Button>
                  </Tooltip>
                )}
              </Group>
            ),
          },
        ]}
      />

      <Modal opened={open} onClose={close} title={created ? 'Your new code' : 'New referral code'}>
        {created ? (
          <Stack>
            <Text size="sm">Share this link. Whoever signs up with it is credited to {m.name}.</Text>
            <Text ff="monospace" size="sm" data-testid="new-code-link" style={{ overflowWrap: 'anywhere' }}>
              {fullLink(created)}
            </Text>
            <Group justify="flex-end">
              <CopyLink code={created} variant="filled" />
              <Button variant="default" onClick={close}>
                Done
              </Button>
            </Group>
          </Stack>
        ) : (
          <form noValidate onSubmit={form.submit((v) => create.run(v))}>
            <Stack>
              <TextInput label="Label" description="For you: where you will use it, e.g. “Newsletter, spring”." {...form.getInputProps('label')} />
              <Textarea label="Note for visitors" description="Shown on the sign-up page to people who follow the link." autosize minRows={2} {...form.getInputProps('landing_note')} />
              <ErrorAlert error={create.error} title="The code was not created" labels={{ label: 'Label', landing_note: 'Note for visitors' }} />
              <FormActions onCancel={close} busy={create.busy} submitLabel="Create code" />
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
