/**
 * The program agreement: the one in force, a new version waiting to be signed (owner: typed full name and
 * an acceptance box), and the history of versions (owner only: the View History permission).
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconInfoCircle, IconSignature } from '@tabler/icons-react';
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

export function ProgramAgreementPage() {
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
      <PageHeader title="Agreement" description={`The terms of ${m.name}'s partner program: what you earn for a referral and when it is paid.`} />
      <Stack gap="lg">
        <ErrorAlert error={ag.error} />
        {ag.loading && <Text c="dimmed">Loading the agreement…</Text>}
        {waiting && canSign && (
          <Alert color="orange" variant="light" icon={<IconSignature size={20} />} title="A new version waits for your signature" data-testid="agreement-waiting">
            <Group justify="space-between" gap="sm">
              <Text size="sm">
                Version {waiting.version}, “{waiting.title}”. Once you sign, the platform approves it and it replaces the current terms.
              </Text>
              <Button color="orange" size="xs" onClick={() => setSigning(waiting)}>
                Review and sign
              </Button>
            </Group>
          </Alert>
        )}
        {awaitingApproval && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle size={20} />} title="Signed — waiting for the platform’s approval" data-testid="agreement-awaiting-approval">
            <Text size="sm">
              You signed version {awaitingApproval.version} on {formatDateTime(awaitingApproval.signed?.at)}. It takes effect once the platform approves it.
            </Text>
          </Alert>
        )}
        {d && !d.current && !awaitingApproval && (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={20} />} title="No agreement in force">
            <Text size="sm">
              {waiting
                ? 'Your organization earns nothing until an agreement is signed and approved.'
                : canSign
                  ? 'The platform has not offered an agreement yet. Until one is signed and approved, referrals earn nothing.'
                  : 'No agreement is in force yet. Until your organization’s owner signs one and the platform approves it, referrals earn nothing.'}
            </Text>
          </Alert>
        )}
        {d?.current && (
          <div>
            <Title order={4} mb="xs" data-testid="current-agreement-title">
              {/* in force from its start day on, not before: an approved agreement starting next week is not yet */}
              {inForce(d.current.effective_date, null) ? 'In force' : `Approved — in force from ${formatDay(d.current.effective_date)}`}
            </Title>
            <AgreementView a={d.current} />
          </div>
        )}
        {canHistory && d && d.history.length > 0 && (
          <div>
            <Title order={4} mb="xs">
              All versions
            </Title>
            <DataTable
              testId="agreement-history"
              records={d.history}
              rowKey={(a) => a.id}
              rowProps={(a) => ({ 'data-version': String(a.version), 'data-status': a.status })}
              empty="No earlier versions."
              defaultSort={{ key: 'version', direction: 'desc' }}
              columns={[
                { key: 'version', title: 'Version', sortValue: (a) => a.version, render: (a) => a.version },
                { key: 'title', title: 'Title', render: (a) => a.title, mobile: 'title' },
                { key: 'effective', title: 'Takes effect', render: (a) => formatDay(a.effective_date), style: { whiteSpace: 'nowrap' } },
                { key: 'status', title: 'Status', render: (a) => <AgreementStatusBadge status={a.status} effectiveDate={a.effective_date} /> },
                { key: 'signed', title: 'Signed', render: (a) => (a.signed ? `${a.signed.full_name}, ${formatDateTime(a.signed.at)}` : '—') },
              ]}
            />
          </div>
        )}
        {!canHistory && d?.current && (
          <Text size="sm" c="dimmed">
            Earlier versions and signing are for your organization’s owners.
          </Text>
        )}
      </Stack>
      <SignDialog pid={pid} agreement={signing} onClose={() => setSigning(null)} />
    </>
  );
}

function SignDialog({ pid, agreement, onClose }: { pid: string; agreement: Agreement | null; onClose: () => void }) {
  const sign = useApiMutation((v: { full_name: string }) => programApi.sign(pid, agreement!.id, v.full_name.trim()), {
    success: 'Signed. The platform will approve the agreement shortly.',
    onDone: onClose,
    invalidates: [programKeys.of(pid)],
  });
  const form = useApiForm(
    {
      initialValues: { full_name: '', accept: false },
      validate: {
        full_name: (v: string) => required(v, 'Type your full name to sign.'),
        accept: (v: boolean) => (v ? undefined : 'Tick the box to accept the terms.'),
      },
    },
    sign,
    { resetWhen: !!agreement },
  );
  return (
    <Modal opened={!!agreement} onClose={onClose} title={agreement ? `Sign “${agreement.title}”` : ''} size="lg">
      {agreement && (
        <form noValidate onSubmit={form.submit((v) => sign.run(v))}>
          <Stack>
            <Text size="sm" c="dimmed">
              Version {agreement.version} · takes effect {formatDay(agreement.effective_date)}
            </Text>
            <Text size="sm">
              <b>Commission:</b> {commissionWords(agreement.commission)}
            </Text>
            <ScrollArea.Autosize mah={260} type="auto" offsetScrollbars>
              <TermsText text={agreement.terms_markdown} />
            </ScrollArea.Autosize>
            <TextInput label="Your full name" description="Typing your name is your signature." withAsterisk autoComplete="name" {...form.getInputProps('full_name')} />
            <Checkbox label="I have read these terms and accept them on behalf of my organization." {...form.getInputProps('accept', { type: 'checkbox' })} />
            <ErrorAlert error={sign.error} title="The agreement was not signed" labels={{ full_name: 'Your full name', accept: 'Acceptance' }} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={sign.busy} leftSection={<IconSignature size={16} />}>
                Sign agreement
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
