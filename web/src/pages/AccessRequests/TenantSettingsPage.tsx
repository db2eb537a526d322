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

function ApprovalPolicyCard({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const roles = useDelegationRoles();
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
    success: 'Approval policy saved. It applies to requests made from now on.',
    onDone: (p) => policy.setData(p),
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="approval-policy">
      <Stack gap="sm">
        <Title order={3}>Approval policy</Title>
        <Text size="sm" c="dimmed">
          Who must approve a partner's request for access before it starts. Whoever asked can never approve their own request.
        </Text>
        <div>
          <Text size="sm" fw={500} id="approvers-label">
            Admins who must approve every request
          </Text>
          <SegmentedControl
            aria-labelledby="approvers-label"
            value={approvers}
            onChange={setApprovers}
            disabled={!canEdit}
            data={[
              { value: '1', label: 'One admin' },
              { value: '2', label: 'Two admins' },
            ]}
          />
        </div>
        <MultiSelect
          label="High-risk roles: always two admins"
          data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))}
          value={highRisk}
          onChange={setHighRisk}
          disabled={!canEdit}
          clearable
        />
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput label="A request expires after (days)" value={expiry} onChange={(v) => setExpiry(Number(v) || 1)} min={1} max={30} disabled={!canEdit} miw={200} />
          <NumberInput label="Remind the admins (days before)" description="0: no reminder" value={reminder} onChange={(v) => setReminder(Number(v) || 0)} min={0} max={Math.max(0, expiry - 1)} disabled={!canEdit} miw={200} />
        </Group>
        <ErrorAlert error={policy.error ?? save.error ?? roles.error} />
        {canEdit ? (
          <Group>
            <Button onClick={() => void save.run()} loading={save.busy} disabled={!policy.data}>
              Save policy
            </Button>
          </Group>
        ) : (
          <Text size="sm">Only a tenant admin can change the policy.</Text>
        )}
      </Stack>
    </Paper>
  );
}

export function TenantSettingsPage() {
  const t = useView().tenant!;
  return (
    <Stack gap="lg">
      <PageHeader title="Settings" description={`How ${t.name ?? 'your organization'} answers partners' requests for access.`} />
      <ApprovalPolicyCard tenantId={t.tenant_id} canEdit={t.permissions.includes('tenant.delegations.manage')} />
    </Stack>
  );
}
