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


/** Reject a request, revoke one access or all of a partner's (break glass), confirm an access, answer a renewal. */
function useTenantPartnerActions(tenantId: string, after: () => void, setRejecting: (d: DelegationDto | null) => void, setRevoking: (r: Revoking | null) => void) {
  const reject = useApiMutation((d: DelegationDto, reason?: string) => delegationsApi.reject(tenantId, d.id, reason), {
    success: 'Request rejected.',
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
      success: (n) => (n === 1 ? 'Access revoked. The partner is refused from its next request.' : `${n} delegations revoked. The partner is refused from its next request.`),
      onDone: () => {
        setRevoking(null);
        after();
      },
    },
  );
  const confirm = useApiMutation((d: DelegationDto) => delegationsApi.confirm(tenantId, d.id), {
    success: (d) => `You confirmed ${d.partner.name}'s access: it works again from the partner's next request.`,
    notifyError: true,
    onDone: after,
  });
  const renewal = useApiMutation((d: DelegationDto, accept: boolean) => (accept ? delegationsApi.approveRenewal(tenantId, d.id) : delegationsApi.rejectRenewal(tenantId, d.id)), {
    success: (d) => (d.renewal_ends_at ? 'Done.' : `Access now ends on ${formatDate(d.ends_at)}.`),
    notifyError: true,
    onDone: after,
  });

  return { reject, revoke, confirm, renewal };
}

export function TenantPartnersPage() {
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
  const bansOf = (d: DelegationDto) => (d.ban_ids ? d.ban_ids.map((b) => banName.get(b) ?? b).join(', ') : 'All');

  return (
    <>
      <PageHeader
        title="Partners with access"
        description="Who can act on this tenant's data, with which role, on which billing accounts and until when. Nothing is shared until you approve it, and revoking takes effect on the partner's very next request."
      />
      <Stack gap="lg">
        <TenantMfaPolicyCard tenantId={tenantId} />
        <TenantTokenLifetimesCard tenantId={tenantId} />
        <InviteCodeCard tenantId={tenantId} />
        <ErrorAlert error={list.error} />

        <PendingRequests pending={pending} roleName={roleName} bansOf={bansOf} onApprove={setReviewing} onReject={setRejecting} />

        <section>
          <Title order={4} mb="xs">
            Active access ({active.length})
          </Title>
          <DataTable
            testId="active-delegations"
            records={active}
            loading={list.loading}
            rowKey={(d) => d.id}
            rowProps={(d) => ({ 'data-delegation': d.id, 'data-partner': d.partner.slug ?? undefined, 'data-approver-active': d.approver_active === false ? 'false' : 'true' })}
            empty="No partner has access."
            subRow={(d) => (d.approver_active === false ? { props: { 'data-testid': 'approver-warning', 'data-delegation': d.id }, content: <ApproverWarning d={d} confirm={confirm} /> } : null)}
            columns={activeColumns({
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
        title="Reject the request"
        message={`Reject ${rejecting?.partner.name}'s request? The partner sees that it was rejected and may ask again.`}
        confirmLabel="Reject"
        color="red"
        reason="optional"
        busy={reject.busy}
        error={reject.error}
        onClose={() => setRejecting(null)}
        onConfirm={(reason) => rejecting && void reject.run(rejecting, reason)}
      />
      <ReasonModal
        opened={!!revoking}
        title={revoking?.kind === 'all' ? `Break glass: revoke all of ${revoking.partnerName}'s access` : 'Revoke access'}
        message={
          revoking?.kind === 'all'
            ? `Every delegation ${revoking.partnerName} holds on this tenant — links, connected apps, wholesale — ends now, in one step.`
            : `${revoking?.kind === 'one' ? revoking.d.partner.name : ''} loses access now; its next request is refused.`
        }
        confirmLabel={revoking?.kind === 'all' ? 'Revoke everything' : 'Revoke'}
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
        accounts={(accounts.data?.data ?? []).map((b) => ({ value: b.id, label: `${b.name} · ${b.account_number}` }))}
        onClose={() => setReviewing(null)}
        onDone={() => { setReviewing(null); list.reload(); }}
      />
      <EditAccessModal
        tenantId={tenantId}
        delegation={editing}
        accounts={(accounts.data?.data ?? []).map((b) => ({ value: b.id, label: `${b.account_number} · ${b.name}` }))}
        onClose={() => setEditing(null)}
        onDone={() => { setEditing(null); list.reload(); }}
      />
    </>
  );
}


function InviteCodeCard({ tenantId }: { tenantId: string }) {
  const code = useApiQuery(delegationKeys.inviteCode(tenantId), () => delegationsApi.inviteCode(tenantId));
  const rotate = useApiMutation(() => delegationsApi.rotateInviteCode(tenantId), {
    success: 'New invite code: the previous one no longer works.',
    notifyError: true,
    onDone: (r) => code.setData(r),
  });
  const clear = useApiMutation(() => delegationsApi.clearInviteCode(tenantId), {
    success: 'Partners can no longer use an invite code.',
    notifyError: true,
    onDone: () => code.setData({ invite_code: null }),
  });
  const value = code.data?.invite_code ?? null;
  return (
    <Card withBorder radius="md">
      <Group justify="space-between">
        <Stack gap={2}>
          <Text fw={600}>Invite code</Text>
          <Text size="sm" c="dimmed">
            Give it to a partner so it can request access without knowing your tenant's slug. You still approve every request.
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
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={rotate.busy} onClick={() => void rotate.run()}>
                Rotate
              </Button>
              <Button size="xs" variant="subtle" color="red" loading={clear.busy} onClick={() => void clear.run()}>
                Stop using it
              </Button>
            </>
          ) : (
            <Button size="xs" loading={rotate.busy} onClick={() => void rotate.run()}>
              Generate a code
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
  const roles = useDelegationRoles();
  const save = useApiMutation(
    (d: DelegationDto, v: AccessValues) => delegationsApi.updateAccess(tenantId, d.id, { overrides: { grant: v.grant, deny: v.deny }, ban_ids: v.ban_ids.length ? v.ban_ids : null }),
    { success: 'Access updated; it applies to the partner’s next request.', onDone },
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
      title={`What ${delegation?.partner.name ?? ''} may do`}
      size="xl"
    >
      <form noValidate onSubmit={form.submit((v) => delegation && save.run(delegation, v))}>
        <Stack>
          <Text size="sm">
            Role <b>{delegation ? roles.name(delegation.role) : ''}</b>. Tick what the partner may do beyond its role, and what it may never do — a “never” always wins.
          </Text>
          <Text fw={600} size="sm">
            Also allowed, beyond the role
          </Text>
          <PermissionChecklist legend="Also allowed" value={form.values.grant} onChange={(v) => form.setFieldValue('grant', v)} testId="grant-checklist" />
          {(e.grant ?? e['overrides.grant']) && (
            <Text size="sm" c="red.8" role="alert">
              {e.grant ?? e['overrides.grant']}
            </Text>
          )}
          <Text fw={600} size="sm">
            Never allowed, even if the role includes it
          </Text>
          <PermissionChecklist legend="Never" value={form.values.deny} onChange={(v) => form.setFieldValue('deny', v)} testId="deny-checklist" />
          {(e.deny ?? e['overrides.deny']) && (
            <Text size="sm" c="red.8" role="alert">
              {e.deny ?? e['overrides.deny']}
            </Text>
          )}
          <MultiSelect label="Billing accounts" description="None selected = every billing account of the tenant." data={accounts} clearable {...form.getInputProps('ban_ids')} />
          <ErrorAlert error={save.error} labels={{ 'overrides.grant': 'Also allowed', 'overrides.deny': 'Never allowed', ban_ids: 'Billing accounts' }} />
          <FormActions onCancel={onClose} busy={save.busy} />
        </Stack>
      </form>
    </Modal>
  );
}
