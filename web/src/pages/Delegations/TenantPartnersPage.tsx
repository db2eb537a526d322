/**
 * Tenant side: "Partners with access". Pending requests to approve or reject, active access with
 * its role, billing accounts, overrides and end date (edit, renewals, revoke), break-glass per
 * partner, the invite code partners can use, and the history. An active link or consent whose
 * approving admin is no longer an active tenant admin is flagged (the partner is refused) with a
 * Confirm button: the confirming admin becomes its approver.
 */
import { DataTable } from '../../components/DataTable.tsx';
import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Code, CopyButton, Group, Modal, MultiSelect, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { api } from '../../api/index.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { PermissionChecklist } from './AccessWords.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TenantMfaPolicyCard } from '../Security/TenantMfaPolicyCard.tsx';
import { TenantTokenLifetimesCard } from '../Security/TenantTokenLifetimesCard.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { ApproveRequestModal } from './ApproveRequestModal.tsx';
import { ApproverWarning, EndsCell, HistoryTable, PendingRequests, activeColumns, type Revoking } from './TenantPartnersParts.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { PurposesCell } from './PurposesCell.tsx';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { ResellerLinksSection } from '../Resellers/ResellerLinksSection.tsx';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  rejected: { id: 'delegations.tenant.rejected', defaultMessage: 'Request rejected.' },
  revoked: {
    id: 'delegations.tenant.revoked',
    defaultMessage:
      '{count, plural, one {Access revoked. The partner is refused from its next request.} other {# delegations revoked. The partner is refused from its next request.}}',
  },
  confirmed: { id: 'delegations.tenant.confirmed', defaultMessage: "You confirmed {partner}'s access: it works again from the partner's next request." },
  done: { id: 'delegations.tenant.renewal.done', defaultMessage: 'Done.' },
  endsNow: { id: 'delegations.tenant.renewal.ends_on', defaultMessage: 'Access now ends on {date}.' },
  allAccounts: { id: 'delegations.tenant.accounts_all', defaultMessage: 'All' },
  title: { id: 'delegations.tenant.title', defaultMessage: 'Partners with access' },
  description: {
    id: 'delegations.tenant.description',
    defaultMessage:
      "Who can act on this tenant's data, with which role, on which billing accounts and until when. Nothing is shared until you approve it, and revoking takes effect on the partner's very next request.",
  },
  activeTitle: { id: 'delegations.tenant.active.title', defaultMessage: 'Active access ({count})' },
  activeEmpty: { id: 'delegations.tenant.active.empty', defaultMessage: 'No partner has access.' },
  rejectTitle: { id: 'delegations.tenant.reject.title', defaultMessage: 'Reject the request' },
  rejectMessage: { id: 'delegations.tenant.reject.message', defaultMessage: "Reject {partner}'s request? The partner sees that it was rejected and may ask again." },
  rejectConfirm: { id: 'delegations.tenant.reject.confirm', defaultMessage: 'Reject' },
  breakGlassTitle: { id: 'delegations.tenant.break_glass.title', defaultMessage: "Break glass: revoke all of {partner}'s access" },
  breakGlassMessage: {
    id: 'delegations.tenant.break_glass.message',
    defaultMessage: 'Every delegation {partner} holds on this tenant — links, connected apps, wholesale — ends now, in one step.',
  },
  breakGlassConfirm: { id: 'delegations.tenant.break_glass.confirm', defaultMessage: 'Revoke everything' },
  revokeTitle: { id: 'delegations.tenant.revoke.title', defaultMessage: 'Revoke access' },
  revokeMessage: { id: 'delegations.tenant.revoke.message', defaultMessage: '{partner} loses access now; its next request is refused.' },
  revokeConfirm: { id: 'delegations.tenant.revoke.confirm', defaultMessage: 'Revoke' },
  accountOption: { id: 'delegations.tenant.account_option', defaultMessage: '{name} · {number}' },
  accountOptionNumberFirst: { id: 'delegations.tenant.account_option_number_first', defaultMessage: '{number} · {name}' },
  rotated: { id: 'delegations.tenant.invite_code.rotated', defaultMessage: 'New invite code: the previous one no longer works.' },
  cleared: { id: 'delegations.tenant.invite_code.cleared', defaultMessage: 'Partners can no longer use an invite code.' },
  inviteCode: { id: 'delegations.tenant.invite_code.title', defaultMessage: 'Invite code' },
  inviteCodeIntro: {
    id: 'delegations.tenant.invite_code.intro',
    defaultMessage: "Give it to a partner so it can request access without knowing your tenant's slug. You still approve every request.",
  },
  copied: { id: 'delegations.tenant.invite_code.copied', defaultMessage: 'Copied' },
  copy: { id: 'delegations.tenant.invite_code.copy', defaultMessage: 'Copy' },
  rotate: { id: 'delegations.tenant.invite_code.rotate', defaultMessage: 'Rotate' },
  stop: { id: 'delegations.tenant.invite_code.stop', defaultMessage: 'Stop using it' },
  generate: { id: 'delegations.tenant.invite_code.generate', defaultMessage: 'Generate a code' },
  updated: { id: 'delegations.tenant.edit.updated', defaultMessage: 'Access updated; it applies to the partner’s next request.' },
  editTitle: { id: 'delegations.tenant.edit.title', defaultMessage: 'What {partner} may do' },
  editIntro: {
    id: 'delegations.tenant.edit.intro',
    defaultMessage: 'Role <b>{role}</b>. Tick what the partner may do beyond its role, and what it may never do — a “never” always wins.',
  },
  alsoAllowedTitle: { id: 'delegations.tenant.edit.also_allowed_title', defaultMessage: 'Also allowed, beyond the role' },
  alsoAllowed: { id: 'delegations.tenant.edit.also_allowed', defaultMessage: 'Also allowed' },
  neverTitle: { id: 'delegations.tenant.edit.never_title', defaultMessage: 'Never allowed, even if the role includes it' },
  never: { id: 'delegations.tenant.edit.never', defaultMessage: 'Never' },
  neverAllowed: { id: 'delegations.tenant.edit.never_allowed', defaultMessage: 'Never allowed' },
  accounts: { id: 'delegations.tenant.edit.accounts', defaultMessage: 'Billing accounts' },
  accountsHint: { id: 'delegations.tenant.edit.accounts_hint', defaultMessage: 'None selected = every billing account of the tenant.' },
});

/** Reject a request, revoke one access or all of a partner's (break glass), confirm an access, answer a renewal. */
function useTenantPartnerActions(tenantId: string, after: () => void, setRejecting: (d: DelegationDto | null) => void, setRevoking: (r: Revoking | null) => void) {
  const intl = useIntl();
  const reject = useApiMutation((d: DelegationDto, reason?: string) => delegationsApi.reject(tenantId, d.id, reason), {
    success: intl.formatMessage(m.rejected),
    onDone: () => {
      setRejecting(null);
      after();
    },
  });
  const revoke = useApiMutation(
    async (r: Revoking, reason: string) => {
      if (r.kind === 'one') {
        await delegationsApi.revoke(tenantId, r.d.id, reason);
        return 1;
      }
      return (await delegationsApi.breakGlass(tenantId, r.partnerId, reason)).revoked.length;
    },
    {
      success: (n) => intl.formatMessage(m.revoked, { count: n }),
      onDone: () => {
        setRevoking(null);
        after();
      },
    },
  );
  const confirm = useApiMutation((d: DelegationDto) => delegationsApi.confirm(tenantId, d.id), {
    success: (d) => intl.formatMessage(m.confirmed, { partner: d.partner.name }),
    notifyError: true,
    onDone: after,
  });
  const renewal = useApiMutation((d: DelegationDto, accept: boolean) => (accept ? delegationsApi.approveRenewal(tenantId, d.id) : delegationsApi.rejectRenewal(tenantId, d.id)), {
    success: (d) => (d.renewal_ends_at ? intl.formatMessage(m.done) : intl.formatMessage(m.endsNow, { date: formatDate(d.ends_at) })),
    notifyError: true,
    onDone: after,
  });

  return { reject, revoke, confirm, renewal };
}

/** The revoke dialog's words: one access, or every access of a partner (break glass). */
function revokeWords(intl: IntlShape, revoking: Revoking | null): { title: string; message: string; confirmLabel: string } {
  if (revoking?.kind === 'all') {
    return {
      title: intl.formatMessage(m.breakGlassTitle, { partner: revoking.partnerName }),
      message: intl.formatMessage(m.breakGlassMessage, { partner: revoking.partnerName }),
      confirmLabel: intl.formatMessage(m.breakGlassConfirm),
    };
  }
  return {
    title: intl.formatMessage(m.revokeTitle),
    message: intl.formatMessage(m.revokeMessage, { partner: revoking?.kind === 'one' ? revoking.d.partner.name : '' }),
    confirmLabel: intl.formatMessage(m.revokeConfirm),
  };
}

export function TenantPartnersPage() {
  const intl = useIntl();
  const view = useView();
  const t = view.tenant!;
  const tenantId = t.tenant_id;
  const list = useApiQuery(delegationKeys.tenantList(tenantId), () => delegationsApi.tenantList(tenantId));
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const [rejecting, setRejecting] = useState<DelegationDto | null>(null);
  const [revoking, setRevoking] = useState<Revoking | null>(null);
  const [editing, setEditing] = useState<DelegationDto | null>(null);
  const [reviewing, setReviewing] = useState<DelegationDto | null>(null);
  const roleName = useDelegationRoles().name;
  const banName = useMemo(() => new Map((accounts.data?.data ?? []).map((b) => [b.id, b.account_number])), [accounts.data]);
  const { reject, revoke, confirm, renewal } = useTenantPartnerActions(tenantId, list.reload, setRejecting, setRevoking);
  const rows = list.data?.data ?? [];
  const pending = rows.filter((d) => d.status === 'requested');
  const active = rows.filter((d) => d.status === 'active');
  const past = rows.filter((d) => d.status !== 'requested' && d.status !== 'active');
  const bansOf = (d: DelegationDto) => (d.ban_ids ? d.ban_ids.map((b) => banName.get(b) ?? b).join(', ') : intl.formatMessage(m.allAccounts));

  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(m.description)}
      />
      <Stack gap="lg">
        <TenantMfaPolicyCard tenantId={tenantId} />
        <TenantTokenLifetimesCard tenantId={tenantId} />
        <InviteCodeCard tenantId={tenantId} />
        <ErrorAlert error={list.error} />

        <PendingRequests pending={pending} roleName={roleName} bansOf={bansOf} onApprove={setReviewing} onReject={setRejecting} />

        <section>
          <Title order={3} size="h4" mb="xs">
            {intl.formatMessage(m.activeTitle, { count: active.length })}
          </Title>
          <DataTable
            testId="active-delegations"
            records={active}
            loading={list.loading}
            rowKey={(d) => d.id}
            rowProps={(d) => ({ 'data-delegation': d.id, 'data-partner': d.partner.slug ?? undefined, 'data-approver-active': d.approver_active === false ? 'false' : 'true' })}
            empty={intl.formatMessage(m.activeEmpty)}
            subRow={(d) => (d.approver_active === false ? { props: { 'data-testid': 'approver-warning', 'data-delegation': d.id }, content: <ApproverWarning d={d} confirm={confirm} /> } : null)}
            columns={activeColumns({
              intl,
              tenantId,
              roleName,
              bansOf,
              ends: (d) => <EndsCell d={d} mine={d.renewal_requested_by === view.me.user.id} tenantName={t.name} renewal={renewal} />,
              purposes: (d) => <PurposesCell tenantId={tenantId} d={d} onDone={list.reload} />,
              edit: setEditing,
              revoke: setRevoking,
            })}
          />
        </section>

        <ResellerLinksSection tenantId={tenantId} canManage />

        {past.length > 0 && <HistoryTable past={past} roleName={roleName} loading={list.loading} />}
      </Stack>

      <ReasonModal
        opened={!!rejecting}
        title={intl.formatMessage(m.rejectTitle)}
        message={intl.formatMessage(m.rejectMessage, { partner: rejecting?.partner.name })}
        confirmLabel={intl.formatMessage(m.rejectConfirm)}
        color="red"
        reason="optional"
        busy={reject.busy}
        error={reject.error}
        onClose={() => setRejecting(null)}
        onConfirm={(reason) => rejecting && void reject.run(rejecting, reason)}
      />
      <ReasonModal
        opened={!!revoking}
        {...revokeWords(intl, revoking)}
        color="red"
        reason="required"
        busy={revoke.busy}
        error={revoke.error}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={(reason) => revoking && void revoke.run(revoking, reason ?? '')}
      />
      <ApproveRequestModal
        tenantId={tenantId}
        delegation={reviewing}
        accounts={(accounts.data?.data ?? []).map((b) => ({ value: b.id, label: intl.formatMessage(m.accountOption, { name: b.name, number: b.account_number }) }))}
        onClose={() => setReviewing(null)}
        onDone={() => { setReviewing(null); list.reload(); }}
      />
      <EditAccessModal
        tenantId={tenantId}
        delegation={editing}
        accounts={(accounts.data?.data ?? []).map((b) => ({ value: b.id, label: intl.formatMessage(m.accountOptionNumberFirst, { name: b.name, number: b.account_number }) }))}
        onClose={() => setEditing(null)}
        onDone={() => { setEditing(null); list.reload(); }}
      />
    </>
  );
}


function InviteCodeCard({ tenantId }: { tenantId: string }) {
  const intl = useIntl();
  const code = useApiQuery(delegationKeys.inviteCode(tenantId), () => delegationsApi.inviteCode(tenantId));
  const rotate = useApiMutation(() => delegationsApi.rotateInviteCode(tenantId), {
    success: intl.formatMessage(m.rotated),
    notifyError: true,
    onDone: (r) => code.setData(r),
  });
  const clear = useApiMutation(() => delegationsApi.clearInviteCode(tenantId), {
    success: intl.formatMessage(m.cleared),
    notifyError: true,
    onDone: () => code.setData({ invite_code: null }),
  });
  const value = code.data?.invite_code ?? null;
  return (
    <Card withBorder radius="md">
      <Group justify="space-between">
        <Stack gap={2}>
          <Text fw={600}>{intl.formatMessage(m.inviteCode)}</Text>
          <Text size="sm" c="dimmed">
            {intl.formatMessage(m.inviteCodeIntro)}
          </Text>
        </Stack>
        <Group gap="xs">
          {value ? (
            <>
              <Code fz="md" data-testid="invite-code">
                {value}
              </Code>
              <CopyButton value={value}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {intl.formatMessage(copied ? m.copied : m.copy)}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={rotate.busy} onClick={() => void rotate.run()}>
                {intl.formatMessage(m.rotate)}
              </Button>
              <Button size="xs" variant="subtle" color="red" loading={clear.busy} onClick={() => void clear.run()}>
                {intl.formatMessage(m.stop)}
              </Button>
            </>
          ) : (
            <Button size="xs" loading={rotate.busy} onClick={() => void rotate.run()}>
              {intl.formatMessage(m.generate)}
            </Button>
          )}
        </Group>
      </Group>
    </Card>
  );
}

interface AccessValues {
  grant: string[];
  deny: string[];
  ban_ids: string[];
}

function EditAccessModal({
  tenantId,
  delegation,
  accounts,
  onClose,
  onDone,
}: {
  tenantId: string;
  delegation: DelegationDto | null;
  accounts: { value: string; label: string }[];
  onClose(): void;
  onDone(): void;
}) {
  const intl = useIntl();
  const roles = useDelegationRoles();
  const save = useApiMutation(
    (d: DelegationDto, v: AccessValues) => delegationsApi.updateAccess(tenantId, d.id, { overrides: { grant: v.grant, deny: v.deny }, ban_ids: v.ban_ids.length ? v.ban_ids : null }),
    { success: intl.formatMessage(m.updated), onDone },
  );
  const form = useApiForm<AccessValues>({ initialValues: { grant: [], deny: [], ban_ids: [] } }, save, { resetWhen: !!delegation });
  // Each opening starts from the delegation's current access.
  // biome-ignore lint/correctness/useExhaustiveDependencies: when another delegation is opened
  useEffect(() => {
    if (delegation) form.setValues({ grant: [...delegation.overrides.grant], deny: [...delegation.overrides.deny], ban_ids: delegation.ban_ids ?? [] });
  }, [delegation?.id]);
  const e = form.errors;
  return (
    <Modal
      opened={!!delegation}
      onClose={() => {
        save.reset();
        onClose();
      }}
      title={intl.formatMessage(m.editTitle, { partner: delegation?.partner.name ?? '' })}
      size="xl"
    >
      <form noValidate onSubmit={form.submit((v) => delegation && save.run(delegation, v))}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.editIntro} values={{ role: delegation ? roles.name(delegation.role) : '', b: (chunks) => <b>{chunks}</b> }} />
          </Text>
          <Text fw={600} size="sm">
            {intl.formatMessage(m.alsoAllowedTitle)}
          </Text>
          <PermissionChecklist legend={intl.formatMessage(m.alsoAllowed)} value={form.values.grant} onChange={(v) => form.setFieldValue('grant', v)} testId="grant-checklist" />
          {(e.grant ?? e['overrides.grant']) && (
            <Text size="sm" c="red.8" role="alert">
              {e.grant ?? e['overrides.grant']}
            </Text>
          )}
          <Text fw={600} size="sm">
            {intl.formatMessage(m.neverTitle)}
          </Text>
          <PermissionChecklist legend={intl.formatMessage(m.never)} value={form.values.deny} onChange={(v) => form.setFieldValue('deny', v)} testId="deny-checklist" />
          {(e.deny ?? e['overrides.deny']) && (
            <Text size="sm" c="red.8" role="alert">
              {e.deny ?? e['overrides.deny']}
            </Text>
          )}
          <MultiSelect label={intl.formatMessage(m.accounts)} description={intl.formatMessage(m.accountsHint)} data={accounts} clearable {...form.getInputProps('ban_ids')} />
          <ErrorAlert error={save.error} labels={{ 'overrides.grant': intl.formatMessage(m.alsoAllowed), 'overrides.deny': intl.formatMessage(m.neverAllowed), ban_ids: intl.formatMessage(m.accounts) }} />
          <FormActions onCancel={onClose} busy={save.busy} />
        </Stack>
      </form>
    </Modal>
  );
}
