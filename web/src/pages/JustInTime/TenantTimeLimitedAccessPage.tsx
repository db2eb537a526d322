/**
 * Tenant side: "Time-limited access" — for each partner link, which roles are always on and which
 * only on request (for at most how long, approved by you or not), whether it renews itself (on by
 * default, every 180 days) and which sensitive roles never do; requests waiting for approval
 * (badge); and the history.
 */
import { useEffect, useState } from 'react';
import { Badge, Button, Group, Modal, MultiSelect, NumberInput, Select, Stack, Switch, Text } from '@mantine/core';
import { DataTable } from '../../components/DataTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OwnRequestNote } from '../../components/OwnRequestNote.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery, type Loaded } from '../../query/query.ts';
import { useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { activationsApi, durationLabel, renewalWords, STATUS_WORDS, timeLeft, type AccessSettings, type ActivationList } from '../../api/activations.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { activationKeys } from '../../api/keys/activations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';

const MAX_OPTIONS = [60, 120, 240, 480, 720, 1440].map((m) => ({ value: String(m), label: durationLabel(m) }));

/** Requests to turn access on that wait for an admin: approve (not your own) or reject. */
function WaitingActivations({ tenantId, tenantName, meId, acts }: { tenantId: string; tenantName: string; meId: string; acts: Loaded<ActivationList> }) {
  const approve = useApiMutation((id: string) => activationsApi.approve(tenantId, id), { success: 'Approved. The access is on from now.', notifyError: true, onDone: () => acts.reload() });
  const reject = useApiMutation((id: string) => activationsApi.reject(tenantId, id), { success: 'Rejected.', notifyError: true, onDone: () => acts.reload() });
  return (
    <>
      <Text fw={600} mb="xs">
        Waiting for your approval
      </Text>
      <DataTable
        testId="waiting-activations"
        records={(acts.data?.data ?? []).filter((a) => a.status === 'waiting')}
        rowKey={(a) => a.id}
        loading={acts.loading}
        empty="Nothing is waiting."
        columns={[
          { key: 'who', title: 'Who', mobile: 'title', render: (a) => `${a.user.name ?? a.user.email ?? 'Someone'} (${a.partner.name})` },
          { key: 'why', title: 'Reason', render: (a) => a.justification },
          { key: 'how_long', title: 'For', render: (a) => durationLabel(a.minutes) },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer',
            align: 'right',
            render: (a) => (
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                {a.user.id === meId ? (
                  <OwnRequestNote tenantName={tenantName} />
                ) : (
                  <Button size="xs" onClick={() => void approve.run(a.id)} loading={approve.busy}>
                    Approve
                  </Button>
                )}
                <Button size="xs" variant="subtle" color="red" onClick={() => void reject.run(a.id)}>
                  Reject
                </Button>
              </Group>
            ),
          },
        ]}
      />
    </>
  );
}

/** What a partner has always, and what on request (and whether you approve each request). */
function LinkAccess({ role, s, roleName }: { role: string; s: AccessSettings | undefined; roleName(id: string): string }) {
  const onRequest = s ? (s.eligible ? [role, ...s.eligible_roles] : s.eligible_roles) : [];
  return (
    <Stack gap={0}>
      <Text size="sm">Always on: {s?.eligible ? 'nothing' : roleName(role)}</Text>
      {onRequest.length > 0 && (
        <Text size="sm" data-testid="on-request">
          On request: {onRequest.map((r) => roleName(r)).join(', ')}
          {s!.approval_required ? ' (you approve each request)' : ''}
        </Text>
      )}
    </Stack>
  );
}

export function TenantTimeLimitedAccessPage() {
  const view = useView();
  const t = view.tenant!;
  const roles = useDelegationRoles();
  const links = useApiQuery(delegationKeys.tenantList(t.tenant_id, { status: 'active', origin: 'link' }), () => delegationsApi.tenantList(t.tenant_id, { status: 'active', origin: 'link' }));
  const acts = useApiQuery(activationKeys.tenant(t.tenant_id), () => activationsApi.tenantList(t.tenant_id));
  const all = useApiQuery(activationKeys.tenantSettings(t.tenant_id), () => activationsApi.allSettings(t.tenant_id));
  const settingsOf = (id: string): AccessSettings | undefined => all.data?.data.find((x) => x.delegation_id === id) ?? all.data?.defaults;
  const [editing, setEditing] = useState<DelegationDto | null>(null);
  const current = useApiQuery(activationKeys.linkSettings(t.tenant_id, editing?.id ?? ''), () => activationsApi.settings(t.tenant_id, editing!.id), { enabled: !!editing });
  const save = useApiMutation((v: Partial<AccessSettings>) => activationsApi.saveSettings(t.tenant_id, editing!.id, v), { success: 'Saved.', onDone: () => { setEditing(null); all.reload(); } });
  const form = useApiForm({ initialValues: { eligible: false, extra: [] as string[], max: '480', approval: false, autoExtend: true, days: 180, privileged: [] as string[] } }, save);
  const loaded = editing ? current.data : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the link's settings arrive
  useEffect(() => {
    if (loaded) form.setValues({ eligible: loaded.eligible, extra: loaded.eligible_roles, max: String(loaded.max_activation_minutes), approval: loaded.approval_required, autoExtend: loaded.auto_extend, days: loaded.auto_extend_days, privileged: loaded.privileged_roles });
  }, [loaded]);
  const waiting = acts.data?.waiting ?? 0;
  const rows = (links.data?.data ?? []).filter((d) => d.origin === 'link');

  return (
    <>
      <PageHeader
        title="Time-limited access"
        description="Give a partner access only on request: a partner person turns it on for a limited time, with a reason and a second sign-in step, and it turns itself off. Links can also renew themselves."
        badge={waiting > 0 ? <Badge color="red" data-testid="waiting-badge">{waiting} waiting</Badge> : undefined}
      />
      <ErrorAlert error={links.error ?? acts.error} />
      <WaitingActivations tenantId={t.tenant_id} tenantName={t.name} meId={view.me.user.id} acts={acts} />

      <Text fw={600} mt="xl" mb="xs">
        Partners and how their access works
      </Text>
      <DataTable
        testId="link-settings"
        records={rows}
        rowKey={(d) => d.id}
        loading={links.loading}
        empty="No partner has access to you right now."
        rowProps={(d) => ({ 'data-partner': d.partner.name ?? '' })}
        columns={[
          { key: 'partner', title: 'Partner', mobile: 'title', render: (d) => <Text fw={500}>{d.partner.name}</Text> },
          {
            key: 'role',
            title: 'Access',
            render: (d) => <LinkAccess role={d.role} s={settingsOf(d.id)} roleName={roles.name} />,
          },
          { key: 'until', title: 'Until', render: (d) => formatDate(d.ends_at) },
          { key: 'renews', title: 'Renewal', render: (d) => { const s = settingsOf(d.id); return <Text size="sm" data-testid="renewal">{s ? renewalWords(d.role, s, roles.name) : ''}</Text>; } },
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer',
            align: 'right',
            render: (d) => (
              <Button size="xs" variant="light" onClick={() => setEditing(d)}>
                Change how it works
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
        records={acts.data?.data ?? []}
        rowKey={(a) => a.id}
        loading={acts.loading}
        empty="No partner person has turned on time-limited access yet."
        columns={[
          { key: 'who', title: 'Who', mobile: 'title', render: (a) => `${a.user.name ?? a.user.email ?? 'Someone'} (${a.partner.name})` },
          { key: 'why', title: 'Reason', render: (a) => a.justification },
          { key: 'when', title: 'When', render: (a) => (a.starts_at ? `${formatDateTime(a.starts_at)} – ${formatDateTime(a.ends_at)}` : `asked ${formatDateTime(a.requested_at)}`) },
          { key: 'status', title: 'Status', render: (a) => (a.status === 'active' ? `Active, ${timeLeft(a.ends_at)}` : (STATUS_WORDS[a.status] ?? a.status)) },
          { key: 'approved', title: 'Decided by', render: (a) => a.decided_by?.name ?? '—' },
        ]}
      />

      <Modal opened={!!editing} onClose={() => setEditing(null)} title={`How ${editing?.partner.name ?? 'the partner'}'s access works`}>
        <ErrorAlert error={current.error} />
        <form
          noValidate
          onSubmit={form.submit((v) =>
            save.run({ eligible: v.eligible, eligible_roles: v.extra, max_activation_minutes: Number(v.max), approval_required: v.approval, auto_extend: v.autoExtend, auto_extend_days: Number(v.days), privileged_roles: v.privileged }),
          )}
        >
          <Stack>
            <Switch label={`Only on request (off until a partner person turns it on)${editing ? `: ${roles.name(editing.role)}` : ''}`} {...form.getInputProps('eligible', { type: 'checkbox' })} />
            <MultiSelect
              label="More roles a partner person can turn on for a while"
              data-testid="eligible-roles"
              description="These grant nothing until someone at the partner turns them on, with a reason and a second sign-in step; they turn off by themselves."
              data={roles.linkRoles.filter((r) => r.id !== editing?.role).map((r) => ({ value: r.id, label: r.name }))}
              {...form.getInputProps('extra')}
            />
            {(form.values.eligible || form.values.extra.length > 0) && (
              <>
                <Select label="Longest time it may stay on" data={MAX_OPTIONS} allowDeselect={false} {...form.getInputProps('max')} />
                <Switch label="I approve each request first" {...form.getInputProps('approval', { type: 'checkbox' })} />
              </>
            )}
            <Switch
              label="Renew automatically when it ends"
              description="On unless you turn it off, like Microsoft's partner access. A link with a sensitive role never renews by itself."
              {...form.getInputProps('autoExtend', { type: 'checkbox' })}
            />
            {form.values.autoExtend && <NumberInput label="Renew for (days)" min={1} max={365} {...form.getInputProps('days')} />}
            <MultiSelect
              label="Sensitive roles (never renewed automatically)"
              data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))}
              {...form.getInputProps('privileged')}
            />
            <ErrorAlert error={save.error} />
            <FormActions onCancel={() => setEditing(null)} busy={save.busy} />
          </Stack>
        </form>
      </Modal>
    </>
  );
}
