/**
 * A distributor's "Resellers" page (two-tier partners): the resellers it onboarded, their status
 * and how many customers each serves; onboard a new one (an invitation for its owner, shown once);
 * suspend or resume one after a confirmation that says in plain words what happens. A reseller
 * sees here the distributor it sells under, by name, and never its distributor's other resellers.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Alert, Button, Card, Code, CopyButton, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconBuildingStore, IconPlus } from '@tabler/icons-react';
import { resellersApi, type OnboardedReseller, type Reseller } from '../../api/resellers.ts';
import { resellerKeys } from '../../api/keys/resellers.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { ResellerBillingSection } from './ResellerBillingSection.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  customers: { id: 'resellers.customers', defaultMessage: '{count, plural, one {# customer} other {# customers}}' },
  suspended: { id: 'resellers.suspended', defaultMessage: '{name} is suspended.' },
  resumed: { id: 'resellers.resumed', defaultMessage: '{name} is active again.' },
  distributorTitle: { id: 'resellers.distributor.title', defaultMessage: 'Your distributor' },
  distributorDescription: {
    id: 'resellers.distributor.description',
    defaultMessage: '{partner} resells under a distributor. It may see your customers only where a customer allows it, link by link.',
  },
  distributorBody: {
    id: 'resellers.distributor.body',
    defaultMessage: 'You resell under <b>{distributor}</b>. {distributor} can suspend your organization; it cannot onboard resellers for you.',
  },
  title: { id: 'resellers.title', defaultMessage: 'Resellers' },
  description: {
    id: 'resellers.description',
    defaultMessage:
      "Partners that resell under {partner}. You see a reseller's customers only where the customer lets you act through the reseller's link, and only with what your own role allows. Suspending a reseller stops its people and apps at once, and your access through it too.",
  },
  listTitle: { id: 'resellers.list.title', defaultMessage: 'Your resellers ({count})' },
  empty: { id: 'resellers.list.empty', defaultMessage: 'No resellers yet. Onboard one above: its owner gets an invitation to sign in.' },
  colReseller: { id: 'resellers.column.reseller', defaultMessage: 'Reseller' },
  colStatus: { id: 'resellers.column.status', defaultMessage: 'Status' },
  suspendedByYou: { id: 'resellers.suspended_by.you', defaultMessage: 'Suspended by you' },
  suspendedByYouReason: { id: 'resellers.suspended_by.you_reason', defaultMessage: 'Suspended by you: {reason}' },
  suspendedByOperator: { id: 'resellers.suspended_by.operator', defaultMessage: 'Suspended by the platform operator' },
  suspendedByOperatorReason: { id: 'resellers.suspended_by.operator_reason', defaultMessage: 'Suspended by the platform operator: {reason}' },
  colCustomers: { id: 'resellers.column.customers', defaultMessage: 'Customers' },
  colSince: { id: 'resellers.column.since', defaultMessage: 'Reseller since' },
  suspendLabel: { id: 'resellers.suspend.aria', defaultMessage: 'Suspend {name}' },
  suspend: { id: 'resellers.suspend.button', defaultMessage: 'Suspend' },
  resumeLabel: { id: 'resellers.resume.aria', defaultMessage: 'Resume {name}' },
  resume: { id: 'resellers.resume.button', defaultMessage: 'Resume' },
  suspendTitle: { id: 'resellers.suspend.title', defaultMessage: 'Suspend {name}?' },
  suspendMessage: {
    id: 'resellers.suspend.message',
    defaultMessage:
      "{name}'s people and apps stop acting for {count, plural, one {its # customer} other {all of its # customers}} on their very next request, and you lose your access through its links too. Its customers keep their links; you can resume {name} at any time.",
  },
  suspendConfirm: { id: 'resellers.suspend.confirm', defaultMessage: 'Suspend reseller' },
  resumeTitle: { id: 'resellers.resume.title', defaultMessage: 'Resume {name}?' },
  resumeMessage: { id: 'resellers.resume.message', defaultMessage: "{name}'s people and apps may act for its customers again, as their links allow." },
  resumeConfirm: { id: 'resellers.resume.confirm', defaultMessage: 'Resume reseller' },
  onboarded: { id: 'resellers.onboard.done', defaultMessage: '{name} is onboarded.' },
  nameRequired: { id: 'resellers.onboard.name_required', defaultMessage: "Enter the reseller's company name." },
  contactRequired: { id: 'resellers.onboard.contact_required', defaultMessage: 'Enter an address where the reseller can be reached.' },
  ownerRequired: { id: 'resellers.onboard.owner_required', defaultMessage: "Enter the e-mail address of the reseller's first owner." },
  onboardTitle: { id: 'resellers.onboard.title', defaultMessage: 'Onboard a reseller' },
  companyName: { id: 'resellers.onboard.company_name', defaultMessage: 'Company name' },
  contactEmail: { id: 'resellers.onboard.contact_email', defaultMessage: 'Contact e-mail' },
  ownerEmail: { id: 'resellers.onboard.owner_email', defaultMessage: "Owner's e-mail" },
  ownerEmailHint: { id: 'resellers.onboard.owner_email_hint', defaultMessage: 'This person gets an invitation to sign in' },
  onboardButton: { id: 'resellers.onboard.submit', defaultMessage: 'Onboard reseller' },
  onboardFailed: { id: 'resellers.onboard.failed', defaultMessage: 'The reseller could not be onboarded' },
  hideLink: { id: 'resellers.onboard.hide_link', defaultMessage: 'Hide the invitation link' },
  sendLink: {
    id: 'resellers.onboard.send_link',
    defaultMessage: '{name} is active. Send this invitation link to {email}; it is shown only once.',
  },
  copied: { id: 'resellers.onboard.copied', defaultMessage: 'Copied' },
  copy: { id: 'resellers.onboard.copy', defaultMessage: 'Copy the link' },
});

const customersWords = (intl: IntlShape, n: number) => intl.formatMessage(m.customers, { count: n });

/** who suspended the reseller, and why when a reason was given */
function suspendedWords(intl: IntlShape, r: Reseller): string {
  if (r.status_reason) return intl.formatMessage(r.suspended_by_distributor ? m.suspendedByYouReason : m.suspendedByOperatorReason, { reason: r.status_reason });
  return intl.formatMessage(r.suspended_by_distributor ? m.suspendedByYou : m.suspendedByOperator);
}

export function ResellersPage() {
  const intl = useIntl();
  const p = useView().partner!;
  const manage = p.permissions.includes('partner.resellers.manage');
  const distributor = useApiQuery(resellerKeys.distributor(p.partner_id), () => resellersApi.distributor(p.partner_id));
  const list = useApiQuery(resellerKeys.of(p.partner_id), () => resellersApi.list(p.partner_id));
  const [suspending, setSuspending] = useState<Reseller | null>(null);
  const [resuming, setResuming] = useState<Reseller | null>(null);
  const suspend = useApiMutation((r: Reseller, reason: string) => resellersApi.suspend(p.partner_id, r.id, reason), {
    success: (r) => intl.formatMessage(m.suspended, { name: r.name }),
    invalidates: [resellerKeys.of(p.partner_id)],
    onDone: () => setSuspending(null),
  });
  const resume = useApiMutation((r: Reseller) => resellersApi.resume(p.partner_id, r.id), {
    success: (r) => intl.formatMessage(m.resumed, { name: r.name }),
    invalidates: [resellerKeys.of(p.partner_id)],
    onDone: () => setResuming(null),
  });
  const parent = distributor.data?.distributor ?? null;

  if (parent) {
    return (
      <>
        <PageHeader title={intl.formatMessage(m.distributorTitle)} description={intl.formatMessage(m.distributorDescription, { partner: p.name })} />
        <Card withBorder radius="md" p="md" data-testid="distributor">
          <Group gap="sm" wrap="nowrap">
            <IconBuildingStore size={28} stroke={1.4} style={{ flexShrink: 0 }} />
            <Text>
              <FormattedMessage {...m.distributorBody} values={{ distributor: parent.name, b: (chunks) => <b>{chunks}</b> }} />
            </Text>
          </Group>
        </Card>
      </>
    );
  }

  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description, { partner: p.name })}
      />
      <Stack gap="lg">
        {manage && <OnboardCard partnerId={p.partner_id} />}
        <ErrorAlert error={list.error} />
        <section>
          <Title order={3} size="h4" mb="xs">
            {intl.formatMessage(m.listTitle, { count: rows.length })}
          </Title>
          <DataTable
            testId="resellers"
            records={rows}
            loading={list.loading}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-reseller': r.name, 'data-status': r.status })}
            empty={intl.formatMessage(m.empty)}
            columns={[
              { key: 'name', title: intl.formatMessage(m.colReseller), mobile: 'title', render: (r) => <Text fw={500}>{r.name}</Text>, sortValue: (r) => r.name },
              {
                key: 'status',
                title: intl.formatMessage(m.colStatus),
                render: (r) => (
                  <Stack gap={2}>
                    <StatusBadge status={r.status} />
                    {r.status === 'suspended' && (
                      <Text size="xs" c="dimmed">
                        {suspendedWords(intl, r)}
                      </Text>
                    )}
                  </Stack>
                ),
              },
              { key: 'customers', title: intl.formatMessage(m.colCustomers), render: (r) => customersWords(intl, r.customers), sortValue: (r) => r.customers },
              { key: 'since', title: intl.formatMessage(m.colSince), render: (r) => formatDate(r.created_at), sortValue: (r) => r.created_at },
              {
                key: 'actions',
                title: '',
                mobile: 'footer',
                render: (r) =>
                  !manage ? null : r.status === 'active' ? (
                    <Button size="xs" variant="light" color="red" onClick={() => setSuspending(r)} aria-label={intl.formatMessage(m.suspendLabel, { name: r.name })}>
                      {intl.formatMessage(m.suspend)}
                    </Button>
                  ) : r.suspended_by_distributor ? (
                    <Button size="xs" variant="light" onClick={() => setResuming(r)} aria-label={intl.formatMessage(m.resumeLabel, { name: r.name })}>
                      {intl.formatMessage(m.resume)}
                    </Button>
                  ) : null,
              },
            ]}
          />
        </section>
        {rows.length > 0 && <ResellerBillingSection partnerId={p.partner_id} />}
      </Stack>
      <ReasonModal
        opened={!!suspending}
        title={suspending ? intl.formatMessage(m.suspendTitle, { name: suspending.name }) : ''}
        message={
          suspending
            ? intl.formatMessage(m.suspendMessage, { name: suspending.name, count: suspending.customers })
            : ''
        }
        confirmLabel={intl.formatMessage(m.suspendConfirm)}
        color="red"
        reason="required"
        busy={suspend.busy}
        error={suspend.error}
        onClose={() => {
          setSuspending(null);
          suspend.reset();
        }}
        onConfirm={(reason) => suspending && void suspend.run(suspending, reason ?? '')}
      />
      <ReasonModal
        opened={!!resuming}
        title={resuming ? intl.formatMessage(m.resumeTitle, { name: resuming.name }) : ''}
        message={resuming ? intl.formatMessage(m.resumeMessage, { name: resuming.name }) : ''}
        confirmLabel={intl.formatMessage(m.resumeConfirm)}
        reason="none"
        busy={resume.busy}
        error={resume.error}
        onClose={() => setResuming(null)}
        onConfirm={() => resuming && void resume.run(resuming)}
      />
    </>
  );
}

function OnboardCard({ partnerId }: { partnerId: string }) {
  const intl = useIntl();
  const [done, setDone] = useState<OnboardedReseller | null>(null);
  const onboard = useApiMutation((v: { name: string; contact_email: string; owner_email: string }) => resellersApi.onboard(partnerId, v), {
    success: (r) => intl.formatMessage(m.onboarded, { name: r.reseller.name }),
    invalidates: [resellerKeys.of(partnerId)],
    onDone: (r) => setDone(r),
  });
  const form = useApiForm(
    {
      initialValues: { name: '', contact_email: '', owner_email: '' },
      validate: {
        name: (v: string) => required(v, intl.formatMessage(m.nameRequired)),
        contact_email: (v: string) => required(v, intl.formatMessage(m.contactRequired)),
        owner_email: (v: string) => required(v, intl.formatMessage(m.ownerRequired)),
      },
    },
    onboard,
  );
  return (
    <Card withBorder radius="md" p="md">
      <Title order={3} size="h4" mb="xs">
        {intl.formatMessage(m.onboardTitle)}
      </Title>
      <form
        onSubmit={form.submit(async (v) => {
          if (await onboard.run(v)) form.reset();
        })}
      >
        <Stack gap="sm">
          <Group align="flex-start" gap="sm" grow wrap="wrap">
            <TextInput label={intl.formatMessage(m.companyName)} style={{ minWidth: 200 }} data-testid="reseller-name" {...form.getInputProps('name')} />
            <TextInput label={intl.formatMessage(m.contactEmail)} type="email" style={{ minWidth: 200 }} {...form.getInputProps('contact_email')} />
            <TextInput label={intl.formatMessage(m.ownerEmail)} description={intl.formatMessage(m.ownerEmailHint)} type="email" style={{ minWidth: 200 }} {...form.getInputProps('owner_email')} />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" leftSection={<IconPlus size={16} />} loading={onboard.busy} data-testid="onboard-reseller">
              {intl.formatMessage(m.onboardButton)}
            </Button>
          </Group>
          {!(onboard.error && (onboard.error as { isValidation?: boolean }).isValidation) && <ErrorAlert error={onboard.error} title={intl.formatMessage(m.onboardFailed)} />}
        </Stack>
      </form>
      {done && (
        <Alert color="green" variant="light" mt="sm" data-testid="onboarded" onClose={() => setDone(null)} withCloseButton closeButtonLabel={intl.formatMessage(m.hideLink)}>
          <Stack gap="xs">
            <Text size="sm">
              {intl.formatMessage(m.sendLink, { name: done.reseller.name, email: done.invitation.email })}
            </Text>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="invitation-url">
              {done.invitation.url}
            </Code>
            <CopyButton value={done.invitation.url}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} style={{ alignSelf: 'flex-start' }}>
                  {intl.formatMessage(copied ? m.copied : m.copy)}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Alert>
      )}
    </Card>
  );
}
