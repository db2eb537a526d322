/**
 * The program agreement: the one in force, a new version waiting to be signed (owner: typed full name and
 * an acceptance box), and the history of versions (owner only: the View History permission).
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconInfoCircle, IconSignature } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { programApi, type Agreement } from '../../api/program.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime, inForce } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { AgreementStatusBadge, AgreementView, TermsText } from './AgreementView.tsx';
import { commissionWords, formatDay } from './programFormat.ts';
import { programKeys } from '../../api/keys/program.ts';

const msg = defineMessages({
  title: { id: 'program.agreement_page.title', defaultMessage: 'Agreement' },
  description: { id: 'program.agreement_page.description', defaultMessage: 'The terms of {partner}\'s partner program: what you earn for a referral and when it is paid.' },
  waitingTitle: { id: 'program.agreement_page.waiting.title', defaultMessage: 'A new version waits for your signature' },
  awaitingTitle: { id: 'program.agreement_page.awaiting_approval.title', defaultMessage: 'Signed — waiting for the platform’s approval' },
  noneTitle: { id: 'program.agreement_page.none.title', defaultMessage: 'No agreement in force' },
  noneWaiting: { id: 'program.agreement_page.none.waiting', defaultMessage: 'Your organization earns nothing until an agreement is signed and approved.' },
  noneOwner: { id: 'program.agreement_page.none.owner', defaultMessage: 'The platform has not offered an agreement yet. Until one is signed and approved, referrals earn nothing.' },
  noneStaff: {
    id: 'program.agreement_page.none.staff',
    defaultMessage: 'No agreement is in force yet. Until your organization’s owner signs one and the platform approves it, referrals earn nothing.',
  },
  inForce: { id: 'program.agreement_page.in_force', defaultMessage: 'In force' },
  approvedFrom: { id: 'program.agreement_page.approved_from', defaultMessage: 'Approved — in force from {date}' },
  noEarlier: { id: 'program.agreement_page.history.empty', defaultMessage: 'No earlier versions.' },
  version: { id: 'program.agreement_page.history.version', defaultMessage: 'Version' },
  titleCol: { id: 'program.agreement_page.history.title', defaultMessage: 'Title' },
  effective: { id: 'program.agreement_page.history.effective', defaultMessage: 'Takes effect' },
  status: { id: 'program.agreement_page.history.status', defaultMessage: 'Status' },
  signed: { id: 'program.agreement_page.history.signed', defaultMessage: 'Signed' },
  signedValue: { id: 'program.agreement_page.history.signed_value', defaultMessage: '{fullName}, {date}' },
  signedToast: { id: 'program.agreement_page.sign.done', defaultMessage: 'Signed. The platform will approve the agreement shortly.' },
  nameRequired: { id: 'program.agreement_page.sign.name_required', defaultMessage: 'Type your full name to sign.' },
  acceptRequired: { id: 'program.agreement_page.sign.accept_required', defaultMessage: 'Tick the box to accept the terms.' },
  signTitle: { id: 'program.agreement_page.sign.title', defaultMessage: 'Sign “{title}”' },
  fullName: { id: 'program.agreement_page.sign.full_name', defaultMessage: 'Your full name' },
  fullNameDescription: { id: 'program.agreement_page.sign.full_name.description', defaultMessage: 'Typing your name is your signature.' },
  accept: { id: 'program.agreement_page.sign.accept', defaultMessage: 'I have read these terms and accept them on behalf of my organization.' },
  failed: { id: 'program.agreement_page.sign.failed', defaultMessage: 'The agreement was not signed' },
  acceptance: { id: 'program.agreement_page.sign.acceptance', defaultMessage: 'Acceptance' },
});

export function ProgramAgreementPage() {
  const intl = useIntl();
  const view = useView();
  const m = view.partner!;
  const pid = m.partner_id;
  const canSign = allows(m, 'partner.agreements.sign');
  const canHistory = allows(m, 'partner.agreements.history.read');
  const ag = useApiQuery(programKeys.agreements(pid), () => programApi.agreements(pid));
  const [signing, setSigning] = useState<Agreement | null>(null);
  const d = ag.data;
  const waiting = d?.to_sign && d.to_sign.status === 'draft' ? d.to_sign : null;
  const awaitingApproval = d?.to_sign && d.to_sign.status === 'signed' ? d.to_sign : (d?.history.find((a) => a.status === 'signed') ?? null);

  return (
    <>
      <PageHeader title={intl.formatMessage(msg.title)} description={intl.formatMessage(msg.description, { partner: m.name })} />
      <Stack gap="lg">
        <ErrorAlert error={ag.error} />
        {ag.loading && (
          <Text c="dimmed">
            <FormattedMessage id="program.agreement_page.loading" defaultMessage="Loading the agreement…" />
          </Text>
        )}
        {waiting && canSign && (
          <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title={intl.formatMessage(msg.waitingTitle)} data-testid="agreement-waiting">
            <Group justify="space-between" gap="sm">
              <Text size="sm">
                <FormattedMessage
                  id="program.agreement_page.waiting.text"
                  defaultMessage="Version {version}, “{title}”. Once you sign, the platform approves it and it replaces the current terms."
                  values={{ version: waiting.version, title: waiting.title }}
                />
              </Text>
              <Button color="orange" size="xs" onClick={() => setSigning(waiting)}>
                <FormattedMessage id="program.agreement_page.waiting.review" defaultMessage="Review and sign" />
              </Button>
            </Group>
          </Alert>
        )}
        {awaitingApproval && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle size={20} />} title={intl.formatMessage(msg.awaitingTitle)} data-testid="agreement-awaiting-approval">
            <Text size="sm">
              <FormattedMessage
                id="program.agreement_page.awaiting_approval.text"
                defaultMessage="You signed version {version} on {date}. It takes effect once the platform approves it."
                values={{ version: awaitingApproval.version, date: formatDateTime(awaitingApproval.signed?.at) }}
              />
            </Text>
          </Alert>
        )}
        {d && !d.current && !awaitingApproval && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={20} />} title={intl.formatMessage(msg.noneTitle)}>
            <Text size="sm">
              {waiting
                ? intl.formatMessage(msg.noneWaiting)
                : canSign
                  ? intl.formatMessage(msg.noneOwner)
                  : intl.formatMessage(msg.noneStaff)}
            </Text>
          </Alert>
        )}
        {d?.current && (
          <div>
            <Title order={3} size="h4" mb="xs" data-testid="current-agreement-title">
              {/* in force from its start day on, not before: an approved agreement starting next week is not yet */}
              {inForce(d.current.effective_date, null) ? intl.formatMessage(msg.inForce) : intl.formatMessage(msg.approvedFrom, { date: formatDay(d.current.effective_date) })}
            </Title>
            <AgreementView a={d.current} />
          </div>
        )}
        {canHistory && d && d.history.length > 0 && (
          <div>
            <Title order={3} size="h4" mb="xs">
              <FormattedMessage id="program.agreement_page.history.heading" defaultMessage="All versions" />
            </Title>
            <DataTable
              testId="agreement-history"
              records={d.history}
              rowKey={(a) => a.id}
              rowProps={(a) => ({ 'data-version': String(a.version), 'data-status': a.status })}
              empty={intl.formatMessage(msg.noEarlier)}
              defaultSort={{ key: 'version', direction: 'desc' }}
              columns={[
                { key: 'version', title: intl.formatMessage(msg.version), sortValue: (a) => a.version, render: (a) => a.version },
                { key: 'title', title: intl.formatMessage(msg.titleCol), render: (a) => a.title, mobile: 'title' },
                { key: 'effective', title: intl.formatMessage(msg.effective), render: (a) => formatDay(a.effective_date), style: { whiteSpace: 'nowrap' } },
                { key: 'status', title: intl.formatMessage(msg.status), render: (a) => <AgreementStatusBadge status={a.status} effectiveDate={a.effective_date} /> },
                { key: 'signed', title: intl.formatMessage(msg.signed), render: (a) => (a.signed ? intl.formatMessage(msg.signedValue, { fullName: a.signed.full_name, date: formatDateTime(a.signed.at) }) : '—') },
              ]}
            />
          </div>
        )}
        {!canHistory && d?.current && (
          <Text size="sm" c="dimmed">
            <FormattedMessage id="program.agreement_page.owners_only" defaultMessage="Earlier versions and signing are for your organization’s owners." />
          </Text>
        )}
      </Stack>
      <SignDialog pid={pid} agreement={signing} onClose={() => setSigning(null)} />
    </>
  );
}

function SignDialog({ pid, agreement, onClose }: { pid: string; agreement: Agreement | null; onClose: () => void }) {
  const intl = useIntl();
  const sign = useApiMutation((v: { full_name: string }) => programApi.sign(pid, agreement!.id, v.full_name.trim()), {
    success: intl.formatMessage(msg.signedToast),
    onDone: onClose,
    invalidates: [programKeys.of(pid)],
  });
  const form = useApiForm(
    {
      initialValues: { full_name: '', accept: false },
      validate: {
        full_name: (v: string) => required(v, intl.formatMessage(msg.nameRequired)),
        accept: (v: boolean) => (v ? undefined : intl.formatMessage(msg.acceptRequired)),
      },
    },
    sign,
    { resetWhen: !!agreement },
  );
  return (
    <Modal opened={!!agreement} onClose={onClose} title={agreement ? intl.formatMessage(msg.signTitle, { title: agreement.title }) : ''} size="lg">
      {agreement && (
        <form noValidate onSubmit={form.submit((v) => sign.run(v))}>
          <Stack>
            <Text size="sm" c="dimmed">
              <FormattedMessage
                id="program.agreement.version_effective"
                defaultMessage="Version {version} · takes effect {date}"
                values={{ version: agreement.version, date: formatDay(agreement.effective_date) }}
              />
            </Text>
            <Text size="sm">
              <FormattedMessage
                id="program.agreement_page.sign.commission"
                defaultMessage="<b>Commission:</b> {terms}"
                values={{ terms: commissionWords(intl, agreement.commission), b: (chunks) => <b>{chunks}</b> }}
              />
            </Text>
            <ScrollArea.Autosize mah={260} type="auto" offsetScrollbars>
              <TermsText text={agreement.terms_markdown} />
            </ScrollArea.Autosize>
            <TextInput label={intl.formatMessage(msg.fullName)} description={intl.formatMessage(msg.fullNameDescription)} withAsterisk autoComplete="name" {...form.getInputProps('full_name')} />
            <Checkbox label={intl.formatMessage(msg.accept)} {...form.getInputProps('accept', { type: 'checkbox' })} />
            <ErrorAlert error={sign.error} title={intl.formatMessage(msg.failed)} labels={{ full_name: intl.formatMessage(msg.fullName), accept: intl.formatMessage(msg.acceptance) }} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                <FormattedMessage id="program.agreement_page.sign.cancel" defaultMessage="Cancel" />
              </Button>
              <Button type="submit" loading={sign.busy} leftSection={<IconSignature size={16} />}>
                <FormattedMessage id="program.agreement_page.sign.submit" defaultMessage="Sign agreement" />
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
