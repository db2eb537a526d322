/**
 * Tenant → Settings → Approval policy: who approves partners' access requests (one or two admins,
 * two for the roles marked high risk), how many days a request waits before it expires, and how
 * long before that the admins still to answer get a reminder by e-mail.
 */
import { useEffect, useState } from 'react';
import { Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { accessRequestsApi } from '../../api/accessRequests.ts';
import { accessRequestKeys } from '../../api/keys/accessRequests.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'access_requests.policy.saved', defaultMessage: 'Approval policy saved. It applies to requests made from now on.' },
  title: { id: 'access_requests.policy.title', defaultMessage: 'Approval policy' },
  intro: {
    id: 'access_requests.policy.intro',
    defaultMessage: "Who must approve a partner's request for access before it starts. Whoever asked can never approve their own request.",
  },
  approvers: { id: 'access_requests.policy.approvers', defaultMessage: 'Admins who must approve every request' },
  one: { id: 'access_requests.policy.one_admin', defaultMessage: 'One admin' },
  two: { id: 'access_requests.policy.two_admins', defaultMessage: 'Two admins' },
  highRisk: { id: 'access_requests.policy.high_risk', defaultMessage: 'High-risk roles: always two admins' },
  expiry: { id: 'access_requests.policy.expiry', defaultMessage: 'A request expires after (days)' },
  reminder: { id: 'access_requests.policy.reminder', defaultMessage: 'Remind the admins (days before)' },
  reminderHelp: { id: 'access_requests.policy.reminder_help', defaultMessage: '0: no reminder' },
  save: { id: 'access_requests.policy.save', defaultMessage: 'Save policy' },
  onlyAdmin: { id: 'access_requests.policy.only_admin', defaultMessage: 'Only a tenant admin can change the policy.' },
  settingsTitle: { id: 'access_requests.settings.title', defaultMessage: 'Settings' },
  settingsDescription: { id: 'access_requests.settings.description', defaultMessage: "How {organization} answers partners' requests for access." },
  yourOrganization: { id: 'access_requests.settings.your_organization', defaultMessage: 'your organization' },
});

function ApprovalPolicyCard({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const roles = useDelegationRoles();
  const intl = useIntl();
  const policy = useApiQuery(accessRequestKeys.policy(tenantId), () => accessRequestsApi.policy(tenantId));
  const [approvers, setApprovers] = useState('1');
  const [highRisk, setHighRisk] = useState<string[]>([]);
  const [expiry, setExpiry] = useState(7);
  const [reminder, setReminder] = useState(1);
  useEffect(() => {
    if (!policy.data) return;
    setApprovers(String(policy.data.approvals_required));
    setHighRisk(policy.data.high_risk_roles);
    setExpiry(policy.data.expiry_days);
    setReminder(policy.data.reminder_days);
  }, [policy.data]);
  const save = useApiMutation(() => accessRequestsApi.setPolicy(tenantId, { approvals_required: approvers === '2' ? 2 : 1, high_risk_roles: highRisk, expiry_days: expiry, reminder_days: reminder }), {
    success: intl.formatMessage(m.saved),
    onDone: (p) => policy.setData(p),
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="approval-policy">
      <Stack gap="sm">
        <Title order={2} size="h3">
          <FormattedMessage {...m.title} />
        </Title>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.intro} />
        </Text>
        <div>
          <Text size="sm" fw={500} id="approvers-label">
            <FormattedMessage {...m.approvers} />
          </Text>
          <SegmentedControl
            aria-labelledby="approvers-label"
            value={approvers}
            onChange={setApprovers}
            disabled={!canEdit}
            data={[
              { value: '1', label: intl.formatMessage(m.one) },
              { value: '2', label: intl.formatMessage(m.two) },
            ]}
          />
        </div>
        <MultiSelect
          label={intl.formatMessage(m.highRisk)}
          data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))}
          value={highRisk}
          onChange={setHighRisk}
          disabled={!canEdit}
          clearable
        />
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput
            label={intl.formatMessage(m.expiry)} value={expiry} onChange={(v) => setExpiry(Number(v) || 1)} min={1} max={30} disabled={!canEdit} miw={200} />
          <NumberInput
            label={intl.formatMessage(m.reminder)}
            description={intl.formatMessage(m.reminderHelp)} value={reminder} onChange={(v) => setReminder(Number(v) || 0)} min={0} max={Math.max(0, expiry - 1)} disabled={!canEdit} miw={200} />
        </Group>
        <ErrorAlert error={policy.error ?? save.error ?? roles.error} />
        {canEdit ? (
          <Group>
            <Button onClick={() => void save.run()} loading={save.busy} disabled={!policy.data}>
              <FormattedMessage {...m.save} />
            </Button>
          </Group>
        ) : (
          <Text size="sm">
            <FormattedMessage {...m.onlyAdmin} />
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

export function TenantSettingsPage() {
  const t = useView().tenant!;
  const intl = useIntl();
  return (
    <Stack gap="lg">
      <PageHeader
        title={intl.formatMessage(m.settingsTitle)}
        description={intl.formatMessage(m.settingsDescription, { organization: t.name ?? intl.formatMessage(m.yourOrganization) })}
      />
      <ApprovalPolicyCard tenantId={t.tenant_id} canEdit={t.permissions.includes('tenant.delegations.manage')} />
    </Stack>
  );
}
