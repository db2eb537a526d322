/**
 * Referral codes: each has a sign-up link to share. Owner and staff create codes; staff see the codes they
 * created; only the owner turns a code on or off (the Manage Codes permission).
 */
import { useState } from 'react';
import { Badge, Button, CopyButton, Group, Modal, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
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

const msg = defineMessages({
  copyAria: { id: 'program.codes.copy.aria', defaultMessage: 'Copy the sign-up link of {code}' },
  copied: { id: 'program.codes.copy.done', defaultMessage: 'Link copied' },
  copy: { id: 'program.codes.copy', defaultMessage: 'Copy sign-up link' },
  activeAgain: { id: 'program.codes.toggle.on', defaultMessage: '{code} is active again: its link works.' },
  turnedOff: { id: 'program.codes.toggle.off', defaultMessage: '{code} is turned off: its link no longer signs anyone up.' },
  title: { id: 'program.codes.title', defaultMessage: 'Referral codes' },
  descriptionOwner: {
    id: 'program.codes.description.owner',
    defaultMessage: 'Share a code’s sign-up link: organizations that sign up with it are credited to you. Turn a code off when it should no longer be used.',
  },
  descriptionStaff: {
    id: 'program.codes.description.staff',
    defaultMessage:
      'Share a code’s sign-up link: organizations that sign up with it are credited to your organization. You see the codes you created; an owner can turn codes off.',
  },
  empty: { id: 'program.codes.empty', defaultMessage: 'No codes yet. Create one and share its sign-up link.' },
  code: { id: 'program.codes.column.code', defaultMessage: 'Code' },
  note: { id: 'program.codes.column.note', defaultMessage: 'Note for visitors' },
  signUps: { id: 'program.codes.column.sign_ups', defaultMessage: 'Sign-ups' },
  createdBy: { id: 'program.codes.column.created_by', defaultMessage: 'Created by' },
  created: { id: 'program.codes.column.created', defaultMessage: 'Created' },
  status: { id: 'program.codes.column.status', defaultMessage: 'Status' },
  active: { id: 'program.codes.status.active', defaultMessage: 'Active' },
  off: { id: 'program.codes.status.off', defaultMessage: 'Off' },
  offTip: { id: 'program.codes.toggle.off_tip', defaultMessage: 'The link stops working; sign-ups already made stay credited.' },
  onTip: { id: 'program.codes.toggle.on_tip', defaultMessage: 'The link works again.' },
  turnOff: { id: 'program.codes.toggle.turn_off', defaultMessage: 'Turn off' },
  turnOn: { id: 'program.codes.toggle.turn_on', defaultMessage: 'Turn on' },
  newTitle: { id: 'program.codes.new.title', defaultMessage: 'New referral code' },
  createdTitle: { id: 'program.codes.new.created_title', defaultMessage: 'Your new code' },
  label: { id: 'program.codes.new.label', defaultMessage: 'Label' },
  labelDescription: { id: 'program.codes.new.label.description', defaultMessage: 'For you: where you will use it, e.g. “Newsletter, spring”.' },
  noteDescription: { id: 'program.codes.new.note.description', defaultMessage: 'Shown on the sign-up page to people who follow the link.' },
  failed: { id: 'program.codes.new.failed', defaultMessage: 'The code was not created' },
  submit: { id: 'program.codes.new.submit', defaultMessage: 'Create code' },
});

function fullLink(c: ReferralCode): string {
  return new URL(c.signup_url, window.location.origin).toString();
}

function CopyLink({ code, variant = 'light' }: { code: ReferralCode; variant?: string }) {
  const intl = useIntl();
  return (
    <CopyButton value={fullLink(code)}>
      {({ copied, copy }) => (
        <Button size="xs" variant={variant} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy} aria-label={intl.formatMessage(msg.copyAria, { code: code.code })}>
          {copied ? intl.formatMessage(msg.copied) : intl.formatMessage(msg.copy)}
        </Button>
      )}
    </CopyButton>
  );
}

export function ProgramCodesPage() {
  const intl = useIntl();
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
    success: (c) => (c.active ? intl.formatMessage(msg.activeAgain, { code: c.code }) : intl.formatMessage(msg.turnedOff, { code: c.code })),
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
        title={intl.formatMessage(msg.title)}
        description={
          canManage
            ? intl.formatMessage(msg.descriptionOwner)
            : intl.formatMessage(msg.descriptionStaff)
        }
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen(true)}>
            <FormattedMessage id="program.codes.new" defaultMessage="New code" />
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
        empty={intl.formatMessage(msg.empty)}
        defaultSort={{ key: 'created', direction: 'desc' }}
        columns={[
          {
            key: 'code',
            title: intl.formatMessage(msg.code),
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
          { key: 'note', title: intl.formatMessage(msg.note), render: (c) => c.landing_note || <Text c="dimmed" size="sm">—</Text> },
          { key: 'signups', title: intl.formatMessage(msg.signUps), align: 'right', sortValue: (c) => c.sign_ups, render: (c) => c.sign_ups },
          { key: 'by', title: intl.formatMessage(msg.createdBy), sortValue: (c) => c.created_by?.name, render: (c) => c.created_by?.name ?? '—' },
          { key: 'created', title: intl.formatMessage(msg.created), sortValue: (c) => c.created_at, render: (c) => formatDate(c.created_at), style: { whiteSpace: 'nowrap' } },
          {
            key: 'status',
            title: intl.formatMessage(msg.status),
            sortValue: (c) => (c.active ? 0 : 1),
            render: (c) => (
              <Badge color={c.active ? 'teal' : 'gray'} variant="light">
                {c.active ? intl.formatMessage(msg.active) : intl.formatMessage(msg.off)}
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
                  <Tooltip label={c.active ? intl.formatMessage(msg.offTip) : intl.formatMessage(msg.onTip)}>
                    <Button size="xs" variant="default" loading={toggle.busy} onClick={() => void toggle.run(c)}>
                      {c.active ? intl.formatMessage(msg.turnOff) : intl.formatMessage(msg.turnOn)}
                    </Button>
                  </Tooltip>
                )}
              </Group>
            ),
          },
        ]}
      />

      <Modal opened={open} onClose={close} title={created ? intl.formatMessage(msg.createdTitle) : intl.formatMessage(msg.newTitle)}>
        {created ? (
          <Stack>
            <Text size="sm">
              <FormattedMessage id="program.codes.new.share" defaultMessage="Share this link. Whoever signs up with it is credited to {partner}." values={{ partner: m.name }} />
            </Text>
            <Text ff="monospace" size="sm" data-testid="new-code-link" style={{ overflowWrap: 'anywhere' }}>
              {fullLink(created)}
            </Text>
            <Group justify="flex-end">
              <CopyLink code={created} variant="filled" />
              <Button variant="default" onClick={close}>
                <FormattedMessage id="program.codes.new.done" defaultMessage="Done" />
              </Button>
            </Group>
          </Stack>
        ) : (
          <form noValidate onSubmit={form.submit((v) => create.run(v))}>
            <Stack>
              <TextInput label={intl.formatMessage(msg.label)} description={intl.formatMessage(msg.labelDescription)} {...form.getInputProps('label')} />
              <Textarea label={intl.formatMessage(msg.note)} description={intl.formatMessage(msg.noteDescription)} autosize minRows={2} {...form.getInputProps('landing_note')} />
              <ErrorAlert error={create.error} title={intl.formatMessage(msg.failed)} labels={{ label: intl.formatMessage(msg.label), landing_note: intl.formatMessage(msg.note) }} />
              <FormActions onCancel={close} busy={create.busy} submitLabel={intl.formatMessage(msg.submit)} />
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
