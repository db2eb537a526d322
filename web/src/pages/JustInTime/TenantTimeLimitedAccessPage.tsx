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
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery, type Loaded } from '../../query/query.ts';
import { useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { activationsApi, type AccessSettings, type ActivationList } from '../../api/activations.ts';
import { durationLabel, renewalWords, statusWords, timeLeft, whenWords } from './words.ts';
import { useDelegationRoles } from '../Delegations/useDelegationRoles.ts';
import { FormActions } from '../../components/FormActions.tsx';
import { activationKeys } from '../../api/keys/activations.ts';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  approved: { id: 'just_in_time.tenant.approved', defaultMessage: 'Approved. The access is on from now.' },
  rejected: { id: 'just_in_time.tenant.rejected', defaultMessage: 'Rejected.' },
  waitingTitle: { id: 'just_in_time.tenant.waiting.title', defaultMessage: 'Waiting for your approval' },
  waitingEmpty: { id: 'just_in_time.tenant.waiting.empty', defaultMessage: 'Nothing is waiting.' },
  who: { id: 'just_in_time.tenant.column.who', defaultMessage: 'Who' },
  someone: { id: 'just_in_time.tenant.someone', defaultMessage: 'Someone' },
  whoAt: { id: 'just_in_time.tenant.who_at', defaultMessage: '{person} ({partner})' },
  reason: { id: 'just_in_time.tenant.column.reason', defaultMessage: 'Reason' },
  for: { id: 'just_in_time.tenant.column.for', defaultMessage: 'For' },
  actions: { id: 'just_in_time.tenant.column.actions', defaultMessage: 'Actions' },
  approve: { id: 'just_in_time.tenant.approve', defaultMessage: 'Approve' },
  reject: { id: 'just_in_time.tenant.reject', defaultMessage: 'Reject' },
  alwaysOn: { id: 'just_in_time.tenant.always_on', defaultMessage: 'Always on: {role}' },
  alwaysOnNothing: { id: 'just_in_time.tenant.always_on.nothing', defaultMessage: 'Always on: nothing' },
  onRequest: { id: 'just_in_time.tenant.on_request', defaultMessage: 'On request: {roles}' },
  onRequestApproved: { id: 'just_in_time.tenant.on_request.approved', defaultMessage: 'On request: {roles} (you approve each request)' },
  saved: { id: 'just_in_time.tenant.saved', defaultMessage: 'Saved.' },
  title: { id: 'just_in_time.tenant.title', defaultMessage: 'Time-limited access' },
  description: {
    id: 'just_in_time.tenant.description',
    defaultMessage:
      'Give a partner access only on request: a partner person turns it on for a limited time, with a reason and a second sign-in step, and it turns itself off. Links can also renew themselves.',
  },
  waitingBadge: { id: 'just_in_time.tenant.waiting.badge', defaultMessage: '{count} waiting' },
  linksTitle: { id: 'just_in_time.tenant.links.title', defaultMessage: 'Partners and how their access works' },
  linksEmpty: { id: 'just_in_time.tenant.links.empty', defaultMessage: 'No partner has access to you right now.' },
  partner: { id: 'just_in_time.tenant.column.partner', defaultMessage: 'Partner' },
  access: { id: 'just_in_time.tenant.column.access', defaultMessage: 'Access' },
  until: { id: 'just_in_time.tenant.column.until', defaultMessage: 'Until' },
  renewal: { id: 'just_in_time.tenant.column.renewal', defaultMessage: 'Renewal' },
  change: { id: 'just_in_time.tenant.change', defaultMessage: 'Change how it works' },
  history: { id: 'just_in_time.tenant.history', defaultMessage: 'History' },
  historyEmpty: { id: 'just_in_time.tenant.history.empty', defaultMessage: 'No partner person has turned on time-limited access yet.' },
  when: { id: 'just_in_time.tenant.column.when', defaultMessage: 'When' },
  status: { id: 'just_in_time.tenant.column.status', defaultMessage: 'Status' },
  activeLeft: { id: 'just_in_time.tenant.status.active_left', defaultMessage: 'Active, {left}' },
  decidedBy: { id: 'just_in_time.tenant.column.decided_by', defaultMessage: 'Decided by' },
  modalTitle: { id: 'just_in_time.tenant.modal.title', defaultMessage: "How {partner}'s access works" },
  thePartner: { id: 'just_in_time.tenant.modal.the_partner', defaultMessage: 'the partner' },
  onlyOnRequest: { id: 'just_in_time.tenant.modal.only_on_request', defaultMessage: 'Only on request (off until a partner person turns it on)' },
  onlyOnRequestRole: { id: 'just_in_time.tenant.modal.only_on_request_role', defaultMessage: 'Only on request (off until a partner person turns it on): {role}' },
  moreRoles: { id: 'just_in_time.tenant.modal.more_roles', defaultMessage: 'More roles a partner person can turn on for a while' },
  moreRolesHelp: {
    id: 'just_in_time.tenant.modal.more_roles_help',
    defaultMessage: 'These grant nothing until someone at the partner turns them on, with a reason and a second sign-in step; they turn off by themselves.',
  },
  longest: { id: 'just_in_time.tenant.modal.longest', defaultMessage: 'Longest time it may stay on' },
  approveEach: { id: 'just_in_time.tenant.modal.approve_each', defaultMessage: 'I approve each request first' },
  renew: { id: 'just_in_time.tenant.modal.renew', defaultMessage: 'Renew automatically when it ends' },
  renewHelp: {
    id: 'just_in_time.tenant.modal.renew_help',
    defaultMessage: "On unless you turn it off, like Microsoft's partner access. A link with a sensitive role never renews by itself.",
  },
  renewDays: { id: 'just_in_time.tenant.modal.renew_days', defaultMessage: 'Renew for (days)' },
  sensitive: { id: 'just_in_time.tenant.modal.sensitive', defaultMessage: 'Sensitive roles (never renewed automatically)' },
});

const MAX_MINUTES = [60, 120, 240, 480, 720, 1440];

/** Requests to turn access on that wait for an admin: approve (not your own) or reject. */
function WaitingActivations({ tenantId, tenantName, meId, acts }: { tenantId: string; tenantName: string; meId: string; acts: Loaded<ActivationList> }) {
  const intl = useIntl();
  const approve = useApiMutation((id: string) => activationsApi.approve(tenantId, id), { success: intl.formatMessage(m.approved), notifyError: true, onDone: () => acts.reload() });
  const reject = useApiMutation((id: string) => activationsApi.reject(tenantId, id), { success: intl.formatMessage(m.rejected), notifyError: true, onDone: () => acts.reload() });
  return (
    <>
      <Text fw={600} mb="xs">
        <FormattedMessage {...m.waitingTitle} />
      </Text>
      <DataTable
        testId="waiting-activations"
        records={(acts.data?.data ?? []).filter((a) => a.status === 'waiting')}
        rowKey={(a) => a.id}
        loading={acts.loading}
        empty={intl.formatMessage(m.waitingEmpty)}
        columns={[
          { key: 'who', title: intl.formatMessage(m.who), mobile: 'title', render: (a) => intl.formatMessage(m.whoAt, { person: a.user.name ?? a.user.email ?? intl.formatMessage(m.someone), partner: a.partner.name }) },
          { key: 'why', title: intl.formatMessage(m.reason), render: (a) => a.justification },
          { key: 'how_long', title: intl.formatMessage(m.for), render: (a) => durationLabel(intl, a.minutes) },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.actions),
            mobile: 'footer',
            align: 'right',
            render: (a) => (
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                {a.user.id === meId ? (
                  <OwnRequestNote tenantName={tenantName} />
                ) : (
                  <Button size="xs" onClick={() => void approve.run(a.id)} loading={approve.busy}>
                    <FormattedMessage {...m.approve} />
                  </Button>
                )}
                <Button size="xs" variant="subtle" color="red" onClick={() => void reject.run(a.id)}>
                  <FormattedMessage {...m.reject} />
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
  const intl = useIntl();
  const onRequest = s ? (s.eligible ? [role, ...s.eligible_roles] : s.eligible_roles) : [];
  return (
    <Stack gap={0}>
      <Text size="sm">{s?.eligible ? intl.formatMessage(m.alwaysOnNothing) : intl.formatMessage(m.alwaysOn, { role: roleName(role) })}</Text>
      {onRequest.length > 0 && (
        <Text size="sm" data-testid="on-request">
          {intl.formatMessage(s!.approval_required ? m.onRequestApproved : m.onRequest, { roles: onRequest.map((r) => roleName(r)).join(', ') })}
        </Text>
      )}
    </Stack>
  );
}

export function TenantTimeLimitedAccessPage() {
  const intl = useIntl();
  const view = useView();
  const t = view.tenant!;
  const roles = useDelegationRoles();
  const links = useApiQuery(delegationKeys.tenantList(t.tenant_id, { status: 'active', origin: 'link' }), () => delegationsApi.tenantList(t.tenant_id, { status: 'active', origin: 'link' }));
  const acts = useApiQuery(activationKeys.tenant(t.tenant_id), () => activationsApi.tenantList(t.tenant_id));
  const all = useApiQuery(activationKeys.tenantSettings(t.tenant_id), () => activationsApi.allSettings(t.tenant_id));
  const settingsOf = (id: string): AccessSettings | undefined => all.data?.data.find((x) => x.delegation_id === id) ?? all.data?.defaults;
  const [editing, setEditing] = useState<DelegationDto | null>(null);
  const current = useApiQuery(activationKeys.linkSettings(t.tenant_id, editing?.id ?? ''), () => activationsApi.settings(t.tenant_id, editing!.id), { enabled: !!editing });
  const save = useApiMutation((v: Partial<AccessSettings>) => activationsApi.saveSettings(t.tenant_id, editing!.id, v), { success: intl.formatMessage(m.saved), onDone: () => { setEditing(null); all.reload(); } });
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
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
        badge={waiting > 0 ? <Badge color="red" data-testid="waiting-badge">{intl.formatMessage(m.waitingBadge, { count: waiting })}</Badge> : undefined}
      />
      <ErrorAlert error={links.error ?? acts.error} />
      <WaitingActivations tenantId={t.tenant_id} tenantName={t.name} meId={view.me.user.id} acts={acts} />

      <Text fw={600} mt="xl" mb="xs">
        <FormattedMessage {...m.linksTitle} />
      </Text>
      <DataTable
        testId="link-settings"
        records={rows}
        rowKey={(d) => d.id}
        loading={links.loading}
        empty={intl.formatMessage(m.linksEmpty)}
        rowProps={(d) => ({ 'data-partner': d.partner.name ?? '' })}
        columns={[
          { key: 'partner', title: intl.formatMessage(m.partner), mobile: 'title', render: (d) => <Text fw={500}>{d.partner.name}</Text> },
          {
            key: 'role',
            title: intl.formatMessage(m.access),
            render: (d) => <LinkAccess role={d.role} s={settingsOf(d.id)} roleName={roles.name} />,
          },
          { key: 'until', title: intl.formatMessage(m.until), render: (d) => formatDate(d.ends_at) },
          { key: 'renews', title: intl.formatMessage(m.renewal), render: (d) => { const s = settingsOf(d.id); return <Text size="sm" data-testid="renewal">{s ? renewalWords(intl, d.role, s, roles.name) : ''}</Text>; } },
          {
            key: 'actions',
            title: '',
            label: intl.formatMessage(m.actions),
            mobile: 'footer',
            align: 'right',
            render: (d) => (
              <Button size="xs" variant="light" onClick={() => setEditing(d)}>
                <FormattedMessage {...m.change} />
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
        records={acts.data?.data ?? []}
        rowKey={(a) => a.id}
        loading={acts.loading}
        empty={intl.formatMessage(m.historyEmpty)}
        columns={[
          { key: 'who', title: intl.formatMessage(m.who), mobile: 'title', render: (a) => intl.formatMessage(m.whoAt, { person: a.user.name ?? a.user.email ?? intl.formatMessage(m.someone), partner: a.partner.name }) },
          { key: 'why', title: intl.formatMessage(m.reason), render: (a) => a.justification },
          { key: 'when', title: intl.formatMessage(m.when), render: (a) => whenWords(intl, a) },
          { key: 'status', title: intl.formatMessage(m.status), render: (a) => (a.status === 'active' ? intl.formatMessage(m.activeLeft, { left: timeLeft(intl, a.ends_at) }) : statusWords(intl, a.status)) },
          { key: 'approved', title: intl.formatMessage(m.decidedBy), render: (a) => a.decided_by?.name ?? '—' },
        ]}
      />

      <Modal opened={!!editing} onClose={() => setEditing(null)} title={intl.formatMessage(m.modalTitle, { partner: editing?.partner.name ?? intl.formatMessage(m.thePartner) })}>
        <ErrorAlert error={current.error} />
        <form
          noValidate
          onSubmit={form.submit((v) =>
            save.run({ eligible: v.eligible, eligible_roles: v.extra, max_activation_minutes: Number(v.max), approval_required: v.approval, auto_extend: v.autoExtend, auto_extend_days: Number(v.days), privileged_roles: v.privileged }),
          )}
        >
          <Stack>
            <Switch label={editing ? intl.formatMessage(m.onlyOnRequestRole, { role: roles.name(editing.role) }) : intl.formatMessage(m.onlyOnRequest)} {...form.getInputProps('eligible', { type: 'checkbox' })} />
            <MultiSelect
              label={intl.formatMessage(m.moreRoles)}
              data-testid="eligible-roles"
              description={intl.formatMessage(m.moreRolesHelp)}
              data={roles.linkRoles.filter((r) => r.id !== editing?.role).map((r) => ({ value: r.id, label: r.name }))}
              {...form.getInputProps('extra')}
            />
            {(form.values.eligible || form.values.extra.length > 0) && (
              <>
                <Select label={intl.formatMessage(m.longest)} data={MAX_MINUTES.map((x) => ({ value: String(x), label: durationLabel(intl, x) }))} allowDeselect={false} {...form.getInputProps('max')} />
                <Switch label={intl.formatMessage(m.approveEach)} {...form.getInputProps('approval', { type: 'checkbox' })} />
              </>
            )}
            <Switch
              label={intl.formatMessage(m.renew)}
              description={intl.formatMessage(m.renewHelp)}
              {...form.getInputProps('autoExtend', { type: 'checkbox' })}
            />
            {form.values.autoExtend && <NumberInput label={intl.formatMessage(m.renewDays)} min={1} max={365} {...form.getInputProps('days')} />}
            <MultiSelect
              label={intl.formatMessage(m.sensitive)}
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
