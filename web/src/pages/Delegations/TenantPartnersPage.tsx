/**
 * Tenant side: "Partners with access". Pending requests to approve or reject, active access with
 * its role, billing accounts, overrides and end date (edit, renewals, revoke), break-glass per
 * partner, the invite code partners can use, and the history. An active link or consent whose
 * approving admin is no longer an active tenant admin is flagged (the partner is refused) with a
 * Confirm button: the confirming admin becomes its approver.
 */
import { DataTable } from '../../components/DataTable.tsx';
import { useEffect, useMemo, useState } from 'react';
import { Alert, Anchor, Box, Button, Card, Code, CopyButton, Group, Modal, MultiSelect, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { IconAlertTriangle, IconCheck, IconRefresh } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { delegationsApi, type DelegationDto } from '../../api/delegations.ts';
import { AccessChangeWords, PermissionChecklist } from './AccessWords.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TenantMfaPolicyCard } from '../Security/TenantMfaPolicyCard.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OwnRequestNote } from '../../components/OwnRequestNote.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatDateTime, originLabel } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useApiForm } from '../../query/form.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { ApproveRequestModal } from './ApproveRequestModal.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { delegationKeys } from '../../api/keys/delegations.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';

type Revoking = { kind: 'one'; d: DelegationDto } | { kind: 'all'; partnerId: string; partnerName: string };

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
  const roles = useDelegationRoles();
  const roleName = roles.name;

  const banName = useMemo(() => new Map((accounts.data?.data ?? []).map((b) => [b.id, b.account_number])), [accounts.data]);
  const after = () => list.reload();
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
        <InviteCodeCard tenantId={tenantId} />
        <ErrorAlert error={list.error} />

        <section>
          <Title order={4} mb="xs">
            Requests waiting for you ({pending.length})
          </Title>
          {pending.length === 0 && (
            <Text size="sm" c="dimmed">
              No pending requests.
            </Text>
          )}
          <Stack gap="sm" data-testid="pending-requests">
            {pending.map((d) => (
              <Card key={d.id} withBorder radius="md" data-delegation={d.id} data-partner={d.partner.slug}>
                <Group justify="space-between" align="flex-start">
                  <Stack gap={2}>
                    <Text fw={600}>{d.partner.name}</Text>
                    <Text size="sm">
                      asks for <b>{roleName(d.role)}</b> on {d.ban_ids ? `billing accounts ${bansOf(d)}` : 'all billing accounts'} until {formatDate(d.ends_at)}
                    </Text>
                    {d.justification && (
                      <Text size="sm" c="dimmed">
                        “{d.justification}”
                      </Text>
                    )}
                    <Overrides d={d} />
                    <Text size="xs" c="dimmed">
                      Requested {formatDateTime(d.requested_at)}
                    </Text>
                  </Stack>
                  <Group gap="xs">
                    <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => setReviewing(d)}>
                      Approve
                    </Button>
                    <Button variant="default" onClick={() => setRejecting(d)}>
                      Reject
                    </Button>
                  </Group>
                </Group>
              </Card>
            ))}
          </Stack>
        </section>

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
            subRow={(d) =>
              d.approver_active === false
                ? {
                    props: { 'data-testid': 'approver-warning', 'data-delegation': d.id },
                    content: (
                      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} p="xs">
                        <Group justify="space-between" wrap="wrap">
                          <Text size="sm" style={{ flex: '1 1 240px' }}>
                            The admin who approved {d.partner.name}'s access is no longer an active admin of this tenant, so the partner is refused until a current admin confirms
                            it. Confirm to become its approver, or revoke it.
                          </Text>
                          <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} loading={confirm.busy} onClick={() => void confirm.run(d)} style={{ flexShrink: 0 }}>
                            Confirm
                          </Button>
                        </Group>
                      </Alert>
                    ),
                  }
                : null
            }
            columns={[
              {
                key: 'partner',
                title: 'Partner',
                mobile: 'title',
                sortValue: (d) => d.partner.name,
                render: (d) => (
                  <>
                    <Anchor component={Link} to={`/tenant/${tenantId}/partners/${d.id}`} fw={500} fz="inherit">
                      {d.partner.name}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {originLabel(d.origin)}
                      {d.client_id ? ' · through a connected app' : ''}
                    </Text>
                  </>
                ),
              },
              { key: 'role', title: 'Role', sortValue: (d) => roleName(d.role), render: (d) => roleName(d.role) },
              { key: 'bans', title: 'Billing accounts', render: (d) => bansOf(d) },
              { key: 'overrides', title: 'Beyond the role', render: (d) => <Overrides d={d} /> },
              {
                key: 'ends',
                title: 'Ends',
                sortValue: (d) => d.ends_at,
                render: (d) => (
                  <>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(d.ends_at)}
                    </Text>
                    {d.renewal_ends_at && (
                      <Group gap={4} mt={4}>
                        <Text size="xs" fw={600} c="yellow.8" style={{ whiteSpace: 'nowrap' }}>
                          renewal to {formatDate(d.renewal_ends_at)}?
                        </Text>
                        {d.renewal_requested_by === view.me.user.id ? (
                          <OwnRequestNote tenantName={t.name} />
                        ) : (
                          <Button size="compact-xs" color="teal" onClick={() => void renewal.run(d, true)}>
                            Accept
                          </Button>
                        )}
                        <Button size="compact-xs" variant="default" onClick={() => void renewal.run(d, false)}>
                          Decline
                        </Button>
                      </Group>
                    )}
                  </>
                ),
              },
              {
                key: 'actions',
                title: '',
                label: 'Actions',
                mobile: 'footer',
                render: (d) => (
                  <Group gap="xs" justify="flex-end" wrap="wrap">
                    <Button size="xs" variant="default" onClick={() => setEditing(d)}>
                      Edit access
                    </Button>
                    <Button size="xs" variant="light" color="red" onClick={() => setRevoking({ kind: 'one', d })}>
                      Revoke
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconAlertTriangle size={14} />}
                      onClick={() => setRevoking({ kind: 'all', partnerId: d.partner.id, partnerName: d.partner.name ?? d.partner.id })}
                    >
                      Break glass
                    </Button>
                  </Group>
                ),
              },
            ]}
          />
        </section>

        {past.length > 0 && (
          <section>
            <Title order={4} mb="xs">
              History
            </Title>
            <DataTable
              testId="past-delegations"
              records={past}
              rowKey={(d) => d.id}
              verticalSpacing="xs"
              rowProps={(d) => ({ 'data-delegation': d.id })}
              empty={'Nothing here yet.'}
              loading={list.loading}
              columns={[
                { key: 'partner', title: 'Partner', mobile: 'title', render: (d) => d.partner.name },
                { key: 'role', title: 'Role', render: (d) => roleName(d.role) },
                {
                  key: 'status',
                  title: 'Status',
                  render: (d) => (
                    <>
                      <Box miw={104}>
                        <StatusBadge status={d.status} />
                      </Box>
                    </>
                  ),
                },
                { key: 'reason', title: 'Reason', render: (d) => d.revoke_reason ?? '—' },
                { key: 'when', title: 'When', render: (d) => formatDateTime(d.revoked_at ?? d.decided_at ?? d.ends_at) },
              ]}
            />
          </section>
        )}
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
        onDone={() => {
          setReviewing(null);
          after();
        }}
      />
      <EditAccessModal
        tenantId={tenantId}
        delegation={editing}
        accounts={(accounts.data?.data ?? []).map((b) => ({ value: b.id, label: `${b.account_number} · ${b.name}` }))}
        onClose={() => setEditing(null)}
        onDone={() => {
          setEditing(null);
          after();
        }}
      />
    </>
  );
}

/** What a link adds to or takes from its role, in sentences (never as permission names). */
function Overrides({ d }: { d: DelegationDto }) {
  return <AccessChangeWords overrides={d.overrides} empty="As the role allows" />;
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
