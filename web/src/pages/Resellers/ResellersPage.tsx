/**
 * A distributor's "Resellers" page (two-tier partners): the resellers it onboarded, their status
 * and how many customers each serves; onboard a new one (an invitation for its owner, shown once);
 * suspend or resume one after a confirmation that says in plain words what happens. A reseller
 * sees here the distributor it sells under, by name, and never its distributor's other resellers.
 */
import { useState } from 'react';
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

const customersWords = (n: number) => (n === 1 ? '1 customer' : `${n} customers`);

export function ResellersPage() {
  const p = useView().partner!;
  const manage = p.permissions.includes('partner.resellers.manage');
  const distributor = useApiQuery(resellerKeys.distributor(p.partner_id), () => resellersApi.distributor(p.partner_id));
  const list = useApiQuery(resellerKeys.of(p.partner_id), () => resellersApi.list(p.partner_id));
  const [suspending, setSuspending] = useState<Reseller | null>(null);
  const [resuming, setResuming] = useState<Reseller | null>(null);
  const suspend = useApiMutation((r: Reseller, reason: string) => resellersApi.suspend(p.partner_id, r.id, reason), {
    success: (r) => `${r.name} is suspended.`,
    invalidates: [resellerKeys.of(p.partner_id)],
    onDone: () => setSuspending(null),
  });
  const resume = useApiMutation((r: Reseller) => resellersApi.resume(p.partner_id, r.id), {
    success: (r) => `${r.name} is active again.`,
    invalidates: [resellerKeys.of(p.partner_id)],
    onDone: () => setResuming(null),
  });
  const parent = distributor.data?.distributor ?? null;

  if (parent) {
    return (
      <>
        <PageHeader title="Your distributor" description={`${p.name} resells under a distributor. It may see your customers only where a customer allows it, link by link.`} />
        <Card withBorder radius="md" p="md" data-testid="distributor">
          <Group gap="sm" wrap="nowrap">
            <IconBuildingStore size={28} stroke={1.4} style={{ flexShrink: 0 }} />
            <Text>
              You resell under <b>{parent.name}</b>. {parent.name} can suspend your organization; it cannot onboard resellers for you.
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
        title="Resellers"
        description={`Partners that resell under ${p.name}. You see a reseller's customers only where the customer lets you act through the reseller's link, and only with what your own role allows. Suspending a reseller stops its people and apps at once, and your access through it too.`}
      />
      <Stack gap="lg">
        {manage && <OnboardCard partnerId={p.partner_id} />}
        <ErrorAlert error={list.error} />
        <section>
          <Title order={4} mb="xs">
            Your resellers ({rows.length})
          </Title>
          <DataTable
            testId="resellers"
            records={rows}
            loading={list.loading}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-reseller': r.name, 'data-status': r.status })}
            empty="No resellers yet. Onboard one above: its owner gets an invitation to sign in."
            columns={[
              { key: 'name', title: 'Reseller', mobile: 'title', render: (r) => <Text fw={500}>{r.name}</Text>, sortValue: (r) => r.name },
              {
                key: 'status',
                title: 'Status',
                render: (r) => (
                  <Stack gap={2}>
                    <StatusBadge status={r.status} />
                    {r.status === 'suspended' && (
                      <Text size="xs" c="dimmed">
                        {r.suspended_by_distributor ? 'Suspended by you' : 'Suspended by the platform operator'}
                        {r.status_reason ? `: ${r.status_reason}` : ''}
                      </Text>
                    )}
                  </Stack>
                ),
              },
              { key: 'customers', title: 'Customers', render: (r) => customersWords(r.customers), sortValue: (r) => r.customers },
              { key: 'since', title: 'Reseller since', render: (r) => formatDate(r.created_at), sortValue: (r) => r.created_at },
              {
                key: 'actions',
                title: '',
                mobile: 'footer',
                render: (r) =>
                  !manage ? null : r.status === 'active' ? (
                    <Button size="xs" variant="light" color="red" onClick={() => setSuspending(r)} aria-label={`Suspend ${r.name}`}>
                      Suspend
                    </Button>
                  ) : r.suspended_by_distributor ? (
                    <Button size="xs" variant="light" onClick={() => setResuming(r)} aria-label={`Resume ${r.name}`}>
                      Resume
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
        title={suspending ? `Suspend ${suspending.name}?` : ''}
        message={
          suspending
            ? `${suspending.name}'s people and apps stop acting for ${suspending.customers === 1 ? 'its 1 customer' : `all of its ${customersWords(suspending.customers)}`} on their very next request, and you lose your access through its links too. Its customers keep their links; you can resume ${suspending.name} at any time.`
            : ''
        }
        confirmLabel="Suspend reseller"
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
        title={resuming ? `Resume ${resuming.name}?` : ''}
        message={resuming ? `${resuming.name}'s people and apps may act for its customers again, as their links allow.` : ''}
        confirmLabel="Resume reseller"
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
  const [done, setDone] = useState<OnboardedReseller | null>(null);
  const onboard = useApiMutation((v: { name: string; contact_email: string; owner_email: string }) => resellersApi.onboard(partnerId, v), {
    success: (r) => `${r.reseller.name} is onboarded.`,
    invalidates: [resellerKeys.of(partnerId)],
    onDone: (r) => setDone(r),
  });
  const form = useApiForm(
    {
      initialValues: { name: '', contact_email: '', owner_email: '' },
      validate: {
        name: (v: string) => required(v, "Enter the reseller's company name."),
        contact_email: (v: string) => required(v, 'Enter an address where the reseller can be reached.'),
        owner_email: (v: string) => required(v, "Enter the e-mail address of the reseller's first owner."),
      },
    },
    onboard,
  );
  return (
    <Card withBorder radius="md" p="md">
      <Title order={4} mb="xs">
        Onboard a reseller
      </Title>
      <form
        onSubmit={form.submit(async (v) => {
          if (await onboard.run(v)) form.reset();
        })}
      >
        <Stack gap="sm">
          <Group align="flex-start" gap="sm" grow wrap="wrap">
            <TextInput label="Company name" style={{ minWidth: 200 }} data-testid="reseller-name" {...form.getInputProps('name')} />
            <TextInput label="Contact e-mail" type="email" style={{ minWidth: 200 }} {...form.getInputProps('contact_email')} />
            <TextInput label="Owner's e-mail" description="This person gets an invitation to sign in" type="email" style={{ minWidth: 200 }} {...form.getInputProps('owner_email')} />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" leftSection={<IconPlus size={16} />} loading={onboard.busy} data-testid="onboard-reseller">
              Onboard reseller
            </Button>
          </Group>
          {!(onboard.error && (onboard.error as { isValidation?: boolean }).isValidation) && <ErrorAlert error={onboard.error} title="The reseller could not be onboarded" />}
        </Stack>
      </form>
      {done && (
        <Alert color="green" variant="light" mt="sm" data-testid="onboarded" onClose={() => setDone(null)} withCloseButton closeButtonLabel="Hide the invitation link">
          <Stack gap="xs">
            <Text size="sm">
              {done.reseller.name} is active. Send this invitation link to {done.invitation.email}; it is shown only once.
            </Text>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="invitation-url">
              {done.invitation.url}
            </Code>
            <CopyButton value={done.invitation.url}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} style={{ alignSelf: 'flex-start' }}>
                  {copied ? 'Copied' : 'Copy the link'}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Alert>
      )}
    </Card>
  );
}
