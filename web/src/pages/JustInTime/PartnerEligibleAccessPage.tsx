/**
 * Partner side: "Time-limited access" — the customers' links a tenant made eligible: nothing is
 * allowed (beyond what is always on) until a member turns the access on for a while, with a reason
 * and a code from their authenticator app or a passkey; some tenants approve each request first.
 * Shows the time left and the history.
 */
import { useState } from 'react';
import { Badge, Button, Group, Modal, PasswordInput, Select, Stack, Text, Textarea } from '@mantine/core';
import { DataTable } from '../../components/DataTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { activationsApi, durationLabel, STATUS_WORDS, timeLeft, type EligibleAccessDto } from '../../api/activations.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { StepUpModal } from '../../components/StepUpModal.tsx';
import { security } from '../../api/security.ts';
import { ApiError } from '../../api/errors.ts';
import { activationKeys } from '../../api/keys/activations.ts';
import { authKeys } from '../../api/keys/auth.ts';

type ActivateValues = { minutes: string; justification: string; code: string };

const DURATIONS = [30, 60, 120, 240, 480, 720, 1440];

/** Whether your access to one customer is on now (and for how long), waiting for approval, or off. */
function ActivationNow({ activation: a }: { activation: EligibleAccessDto['my_activation'] }) {
  if (!a) return <Badge color="gray" variant="light">Off</Badge>;
  return (
    <Stack gap={2}>
      <Badge color={a.status === 'active' ? 'teal' : 'yellow'}>{STATUS_WORDS[a.status] ?? a.status}</Badge>
      {a.status === 'active' && <Text size="xs" data-testid="time-left">{timeLeft(a.ends_at)}</Text>}
    </Stack>
  );
}

export function PartnerEligibleAccessPage() {
  const partnerId = useView().partner!.partner_id;
  const roles = useDelegationRoles();
  const eligible = useApiQuery(activationKeys.eligible(partnerId), () => activationsApi.eligible(partnerId));
  const history = useApiQuery(activationKeys.partner(partnerId), () => activationsApi.partnerList(partnerId));
  const [target, setTarget] = useState<EligibleAccessDto | null>(null);
  // no code typed and no fresh second factor: confirm with a passkey (or a code) in the dialog, then try again
  const [confirming, setConfirming] = useState<ActivateValues | null>(null);
  const mfa = useApiQuery(authKeys.security, () => security.status());
  const activate = useApiMutation(
    async (v: ActivateValues) => {
      if (v.code.trim()) await activationsApi.stepUp(v.code.trim());
      try {
        return await activationsApi.activate(partnerId, target!.delegation_id, { minutes: Number(v.minutes), justification: v.justification });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'activation_step_up_required' && !v.code.trim()) setConfirming(v);
        throw e;
      }
    },
    {
      success: (a) => (a.status === 'waiting' ? 'Requested. The customer has to approve it.' : `Access is on until ${formatDateTime(a.ends_at)}.`),
      onDone: () => { setTarget(null); eligible.reload(); history.reload(); },
    },
  );
  const end = useApiMutation((id: string) => activationsApi.end(partnerId, id), { success: 'Access turned off.', notifyError: true });
  const form = useApiForm(
    { initialValues: { minutes: '120', justification: '', code: '' }, validate: { justification: (v: string) => required(v.trim(), 'Say why you need the access.') } },
    activate,
    { resetWhen: !!target },
  );
  const options = DURATIONS.filter((m) => !target || m <= target.max_activation_minutes).map((m) => ({ value: String(m), label: durationLabel(m) }));

  return (
    <>
      <PageHeader title="Time-limited access" description="Customers who gave you access only on request. Turn it on for the time you need; it turns itself off at the end." />
      <ErrorAlert error={eligible.error} />
      <DataTable
        testId="eligible-access"
        records={eligible.data?.data ?? []}
        rowKey={(e) => e.delegation_id}
        loading={eligible.loading}
        empty="No customer has given you access on request."
        rowProps={(e) => ({ 'data-tenant': e.tenant.name })}
        columns={[
          { key: 'customer', title: 'Customer', mobile: 'title', render: (e) => <Text fw={500}>{e.tenant.name}</Text> },
          {
            key: 'role',
            title: 'Access',
            render: (e) => (
              <Stack gap={0}>
                {e.standing && <Text size="sm">Always on: {roles.name(e.role)}</Text>}
                <Text size="sm" data-testid="on-request-roles">
                  On request: {(e.standing ? e.eligible_roles : [e.role, ...e.eligible_roles]).map((r) => roles.name(r)).join(', ')}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'rules',
            title: 'Rules',
            render: (e) => <Text size="sm">Up to {durationLabel(e.max_activation_minutes)}{e.approval_required ? ', approved by the customer' : ''}</Text>,
          },
          {
            key: 'now',
            title: 'Now',
            render: (e) => <ActivationNow activation={e.my_activation} />,
          },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer',
            align: 'right',
            render: (e) =>
              e.my_activation ? (
                <Button size="xs" variant="subtle" color="red" onClick={() => void end.run(e.my_activation!.id).then(() => { eligible.reload(); history.reload(); })}>
                  {e.my_activation.status === 'waiting' ? 'Withdraw' : 'Turn off now'}
                </Button>
              ) : (
                <Button size="xs" onClick={() => setTarget(e)}>
                  Turn on
                </Button>
              ),
          },
        ]}
      />

      <Text fw={600} mt="xl" mb="xs">
        History
      </Text>
      <DataTable
        testId="activation-history"
        records={history.data?.data ?? []}
        rowKey={(a) => a.id}
        loading={history.loading}
        empty="Nobody has turned on time-limited access yet."
        columns={[
          { key: 'who', title: 'Who', mobile: 'title', render: (a) => `${a.user.name ?? a.user.email ?? 'Someone'} → ${a.tenant.name}` },
          { key: 'why', title: 'Reason', render: (a) => a.justification },
          { key: 'when', title: 'When', render: (a) => (a.starts_at ? `${formatDateTime(a.starts_at)} – ${formatDateTime(a.ends_at)}` : `asked ${formatDateTime(a.requested_at)}`) },
          { key: 'status', title: 'Status', render: (a) => STATUS_WORDS[a.status] ?? a.status },
        ]}
      />

      <Modal opened={!!target} onClose={() => setTarget(null)} title={`Turn on access to ${target?.tenant.name ?? ''}`}>
        <form noValidate onSubmit={form.submit((v) => activate.run(v))}>
          <Stack>
            <Select label="For how long" data={options} allowDeselect={false} {...form.getInputProps('minutes')} />
            <Textarea label="Why do you need it?" description="The customer sees this." withAsterisk autosize minRows={2} {...form.getInputProps('justification')} />
            <PasswordInput
              label="Code from your authenticator app"
              description="Needed unless you confirmed it is you in the last 10 minutes. Leave it empty to use a passkey instead."
              autoComplete="one-time-code"
              {...form.getInputProps('code')}
            />
            {target?.approval_required && <Text size="sm">The customer approves each request; the time starts when they do.</Text>}
            <ErrorAlert error={activate.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setTarget(null)}>
                Cancel
              </Button>
              <Button type="submit" loading={activate.busy}>
                {target?.approval_required ? 'Ask for access' : 'Turn on'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <StepUpModal
        opened={confirming !== null}
        status={mfa.data}
        onClose={() => setConfirming(null)}
        onConfirmed={() => {
          const v = confirming;
          setConfirming(null);
          if (v) void activate.run(v);
        }}
      />
    </>
  );
}
