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
import { activationsApi, type EligibleAccessDto } from '../../api/activations.ts';
import { durationLabel, statusWords, timeLeft, whenWords } from './words.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { StepUpModal } from '../../components/StepUpModal.tsx';
import { security } from '../../api/security.ts';
import { ApiError } from '../../api/errors.ts';
import { activationKeys } from '../../api/keys/activations.ts';
import { authKeys } from '../../api/keys/auth.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  off: { id: 'just_in_time.partner.now.off', defaultMessage: 'Off' },
  requested: { id: 'just_in_time.partner.requested', defaultMessage: 'Requested. The customer has to approve it.' },
  onUntil: { id: 'just_in_time.partner.on_until', defaultMessage: 'Access is on until {date}.' },
  turnedOff: { id: 'just_in_time.partner.turned_off', defaultMessage: 'Access turned off.' },
  whyRequired: { id: 'just_in_time.partner.why_required', defaultMessage: 'Say why you need the access.' },
  title: { id: 'just_in_time.partner.title', defaultMessage: 'Time-limited access' },
  description: {
    id: 'just_in_time.partner.description',
    defaultMessage: 'Customers who gave you access only on request. Turn it on for the time you need; it turns itself off at the end.',
  },
  empty: { id: 'just_in_time.partner.empty', defaultMessage: 'No customer has given you access on request.' },
  customer: { id: 'just_in_time.partner.column.customer', defaultMessage: 'Customer' },
  access: { id: 'just_in_time.partner.column.access', defaultMessage: 'Access' },
  alwaysOn: { id: 'just_in_time.partner.always_on', defaultMessage: 'Always on: {role}' },
  onRequest: { id: 'just_in_time.partner.on_request', defaultMessage: 'On request: {roles}' },
  rules: { id: 'just_in_time.partner.column.rules', defaultMessage: 'Rules' },
  upTo: { id: 'just_in_time.partner.up_to', defaultMessage: 'Up to {duration}' },
  upToApproved: { id: 'just_in_time.partner.up_to_approved', defaultMessage: 'Up to {duration}, approved by the customer' },
  now: { id: 'just_in_time.partner.column.now', defaultMessage: 'Now' },
  actions: { id: 'just_in_time.partner.column.actions', defaultMessage: 'Actions' },
  withdraw: { id: 'just_in_time.partner.withdraw', defaultMessage: 'Withdraw' },
  turnOffNow: { id: 'just_in_time.partner.turn_off_now', defaultMessage: 'Turn off now' },
  turnOn: { id: 'just_in_time.partner.turn_on', defaultMessage: 'Turn on' },
  history: { id: 'just_in_time.partner.history', defaultMessage: 'History' },
  historyEmpty: { id: 'just_in_time.partner.history.empty', defaultMessage: 'Nobody has turned on time-limited access yet.' },
  who: { id: 'just_in_time.partner.column.who', defaultMessage: 'Who' },
  someone: { id: 'just_in_time.partner.someone', defaultMessage: 'Someone' },
  whoFor: { id: 'just_in_time.partner.who_for', defaultMessage: '{person} → {customer}' },
  reason: { id: 'just_in_time.partner.column.reason', defaultMessage: 'Reason' },
  when: { id: 'just_in_time.partner.column.when', defaultMessage: 'When' },
  status: { id: 'just_in_time.partner.column.status', defaultMessage: 'Status' },
  modalTitle: { id: 'just_in_time.partner.modal.title', defaultMessage: 'Turn on access to {customer}' },
  howLong: { id: 'just_in_time.partner.modal.how_long', defaultMessage: 'For how long' },
  why: { id: 'just_in_time.partner.modal.why', defaultMessage: 'Why do you need it?' },
  customerSees: { id: 'just_in_time.partner.modal.customer_sees', defaultMessage: 'The customer sees this.' },
  code: { id: 'just_in_time.partner.modal.code', defaultMessage: 'Code from your authenticator app' },
  codeHelp: {
    id: 'just_in_time.partner.modal.code_help',
    defaultMessage: 'Needed unless you confirmed it is you in the last 10 minutes. Leave it empty to use a passkey instead.',
  },
  approvesEach: { id: 'just_in_time.partner.modal.approves_each', defaultMessage: 'The customer approves each request; the time starts when they do.' },
  cancel: { id: 'just_in_time.partner.modal.cancel', defaultMessage: 'Cancel' },
  ask: { id: 'just_in_time.partner.modal.ask', defaultMessage: 'Ask for access' },
});

type ActivateValues = { minutes: string; justification: string; code: string };

const DURATIONS = [30, 60, 120, 240, 480, 720, 1440];

/** Whether your access to one customer is on now (and for how long), waiting for approval, or off. */
function ActivationNow({ activation: a }: { activation: EligibleAccessDto['my_activation'] }) {
  const intl = useIntl();
  if (!a)
    return (
      <Badge color="gray" variant="light">
        <FormattedMessage {...m.off} />
      </Badge>
    );
  return (
    <Stack gap={2}>
      <Badge color={a.status === 'active' ? 'teal' : 'yellow'}>{statusWords(intl, a.status)}</Badge>
      {a.status === 'active' && <Text size="xs" data-testid="time-left">{timeLeft(intl, a.ends_at)}</Text>}
    </Stack>
  );
}

export function PartnerEligibleAccessPage() {
  const intl = useIntl();
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
      success: (a) => (a.status === 'waiting' ? intl.formatMessage(m.requested) : intl.formatMessage(m.onUntil, { date: formatDateTime(a.ends_at) })),
      onDone: () => { setTarget(null); eligible.reload(); history.reload(); },
    },
  );
  const end = useApiMutation((id: string) => activationsApi.end(partnerId, id), { success: intl.formatMessage(m.turnedOff), notifyError: true });
  const form = useApiForm(
    { initialValues: { minutes: '120', justification: '', code: '' }, validate: { justification: (v: string) => required(v.trim(), intl.formatMessage(m.whyRequired)) } },
    activate,
    { resetWhen: !!target },
  );
  const options = DURATIONS.filter((d) => !target || d <= target.max_activation_minutes).map((d) => ({ value: String(d), label: durationLabel(intl, d) }));

  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <ErrorAlert error={eligible.error} />
      <DataTable
        testId="eligible-access"
        records={eligible.data?.data ?? []}
        rowKey={(e) => e.delegation_id}
        loading={eligible.loading}
        empty={intl.formatMessage(m.empty)}
        rowProps={(e) => ({ 'data-tenant': e.tenant.name })}
        columns={[
          { key: 'customer', title: intl.formatMessage(m.customer), mobile: 'title', render: (e) => <Text fw={500}>{e.tenant.name}</Text> },
          {
            key: 'role',
            title: intl.formatMessage(m.access),
            render: (e) => (
              <Stack gap={0}>
                {e.standing && <Text size="sm">{intl.formatMessage(m.alwaysOn, { role: roles.name(e.role) })}</Text>}
                <Text size="sm" data-testid="on-request-roles">
                  {intl.formatMessage(m.onRequest, { roles: (e.standing ? e.eligible_roles : [e.role, ...e.eligible_roles]).map((r) => roles.name(r)).join(', ') })}
                </Text>
              </Stack>
            ),
          },
          {
            key: 'rules',
            title: intl.formatMessage(m.rules),
            render: (e) => <Text size="sm">{intl.formatMessage(e.approval_required ? m.upToApproved : m.upTo, { duration: durationLabel(intl, e.max_activation_minutes) })}</Text>,
          },
          {
            key: 'now',
            title: intl.formatMessage(m.now),
            render: (e) => <ActivationNow activation={e.my_activation} />,
          },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.actions),
            mobile: 'footer',
            align: 'right',
            render: (e) =>
              e.my_activation ? (
                <Button size="xs" variant="subtle" color="red" onClick={() => void end.run(e.my_activation!.id).then(() => { eligible.reload(); history.reload(); })}>
                  {intl.formatMessage(e.my_activation.status === 'waiting' ? m.withdraw : m.turnOffNow)}
                </Button>
              ) : (
                <Button size="xs" onClick={() => setTarget(e)}>
                  <FormattedMessage {...m.turnOn} />
                </Button>
              ),
          },
        ]}
      />

      <Text fw={600} mt="xl" mb="xs">
        <FormattedMessage {...m.history} />
      </Text>
      <DataTable
        testId="activation-history"
        records={history.data?.data ?? []}
        rowKey={(a) => a.id}
        loading={history.loading}
        empty={intl.formatMessage(m.historyEmpty)}
        columns={[
          { key: 'who', title: intl.formatMessage(m.who), mobile: 'title', render: (a) => intl.formatMessage(m.whoFor, { person: a.user.name ?? a.user.email ?? intl.formatMessage(m.someone), customer: a.tenant.name }) },
          { key: 'why', title: intl.formatMessage(m.reason), render: (a) => a.justification },
          { key: 'when', title: intl.formatMessage(m.when), render: (a) => whenWords(intl, a) },
          { key: 'status', title: intl.formatMessage(m.status), render: (a) => statusWords(intl, a.status) },
        ]}
      />

      <Modal opened={!!target} onClose={() => setTarget(null)} title={intl.formatMessage(m.modalTitle, { customer: target?.tenant.name ?? '' })}>
        <form noValidate onSubmit={form.submit((v) => activate.run(v))}>
          <Stack>
            <Select label={intl.formatMessage(m.howLong)} data={options} allowDeselect={false} {...form.getInputProps('minutes')} />
            <Textarea label={intl.formatMessage(m.why)} description={intl.formatMessage(m.customerSees)} withAsterisk autosize minRows={2} {...form.getInputProps('justification')} />
            <PasswordInput
              label={intl.formatMessage(m.code)}
              description={intl.formatMessage(m.codeHelp)}
              autoComplete="one-time-code"
              {...form.getInputProps('code')}
            />
            {target?.approval_required && <Text size="sm">{intl.formatMessage(m.approvesEach)}</Text>}
            <ErrorAlert error={activate.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setTarget(null)}>
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" loading={activate.busy}>
                {intl.formatMessage(target?.approval_required ? m.ask : m.turnOn)}
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
