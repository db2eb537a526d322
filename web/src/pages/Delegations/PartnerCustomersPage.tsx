/**
 * Partner side of seed 001: "Customers I manage". The tenant switcher opens one customer (what
 * you may do there, which billing accounts); owners request links (by slug or invite code),
 * ask for renewals and relinquish access.
 */
import { useState } from 'react';
import { Badge, Button, Group, Modal, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconLink, IconPlus } from '@tabler/icons-react';
import { delegationsApi, LINK_ROLES, parseList, roleName, type DelegationDto, type LinkRequest } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useAction, useLoad } from '../../components/hooks.ts';
import { useView } from '../../session/useView.ts';

const DAY = 86_400_000;

export function PartnerCustomersPage() {
  const partner = useView().partner!;
  const isOwner = partner.role === 'PARTNER_OWNER';
  const [history, setHistory] = useState(false);
  const list = useLoad(() => delegationsApi.customers(history ? 'expired,revoked,rejected' : 'requested,active'), [history]);
  const [active, setActive] = useState<string | null>(null);
  const [requesting, setRequesting] = useState(false);
  const [renewing, setRenewing] = useState<DelegationDto | null>(null);
  const [relinquishing, setRelinquishing] = useState<DelegationDto | null>(null);

  const relinquish = useAction((d: DelegationDto, reason: string) => delegationsApi.relinquish(partner.partner_id, d.id, reason), {
    success: (d) => (d.status === 'revoked' ? `Access to ${d.tenant.name} given up.` : 'Done.'),
    onDone: () => {
      setRelinquishing(null);
      if (active === relinquishing?.tenant.id) setActive(null);
      list.reload();
    },
  });

  const rows = list.data?.data ?? [];
  const switchable = rows.filter((r) => r.delegation.status === 'active');
  return (
    <>
      <PageHeader
        title="Customers I manage"
        description="Tenants that gave your organization access. Pick one to act on it: every request you make for it carries the tenant (X-Active-Tenant-Id) and is checked against its delegation."
        actions={
          isOwner && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setRequesting(true)}>
              Request a link
            </Button>
          )
        }
      />
      <Stack>
        <Paper withBorder radius="md" p="md">
          <Group align="flex-end">
            <Select
              label="Active customer"
              placeholder={switchable.length ? 'Choose a customer' : 'No active customer yet'}
              data={switchable.map((r) => ({ value: r.tenant.id, label: `${r.tenant.name} (${r.tenant.slug})` }))}
              value={active}
              onChange={setActive}
              searchable
              clearable
              w={360}
              data-testid="tenant-switcher"
            />
          </Group>
          {active && <CustomerPanel tenantId={active} />}
        </Paper>

        <Group justify="space-between">
          <Title order={4}>{history ? 'Past access' : 'Current and requested access'}</Title>
          <Switch label="Show ended and rejected" checked={history} onChange={(e) => setHistory(e.currentTarget.checked)} />
        </Group>
        <ErrorAlert error={list.error} />
        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" data-testid="partner-delegations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Billing accounts</Table.Th>
                <Table.Th>Ends</Table.Th>
                {isOwner && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.length === 0 && !list.loading && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" size="sm">
                      {history ? 'Nothing here yet.' : 'No customer has given you access yet. Request a link with the tenant’s slug or the invite code its admin gave you.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.map(({ tenant, delegation: d }) => (
                <Table.Tr key={d.id} data-tenant={tenant.slug} data-delegation={d.id}>
                  <Table.Td>
                    <Text fw={500}>{tenant.name}</Text>
                    <Text size="xs" c="dimmed">
                      {tenant.slug} · {d.origin}
                    </Text>
                  </Table.Td>
                  <Table.Td>{roleName(d.role)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={d.status} />
                    {d.renewal_ends_at && (
                      <Badge ml={4} variant="outline" color="yellow">
                        renewal to {formatDate(d.renewal_ends_at)} asked
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{d.ban_ids ? `${d.ban_ids.length} selected` : 'All'}</Table.Td>
                  <Table.Td>{formatDate(d.ends_at)}</Table.Td>
                  {isOwner && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end">
                        {d.status === 'active' && (
                          <Button size="xs" variant="default" onClick={() => setRenewing(d)}>
                            Renew
                          </Button>
                        )}
                        {(d.status === 'active' || d.status === 'requested') && (
                          <Button size="xs" variant="subtle" color="red" onClick={() => setRelinquishing(d)}>
                            {d.status === 'requested' ? 'Withdraw' : 'Relinquish'}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </Stack>

      <RequestLinkModal
        opened={requesting}
        partnerId={partner.partner_id}
        onClose={() => setRequesting(false)}
        onDone={() => {
          setRequesting(false);
          list.reload();
        }}
      />
      <RenewModal
        delegation={renewing}
        partnerId={partner.partner_id}
        onClose={() => setRenewing(null)}
        onDone={() => {
          setRenewing(null);
          list.reload();
        }}
      />
      <ReasonModal
        opened={!!relinquishing}
        title={relinquishing?.status === 'requested' ? 'Withdraw the request' : 'Relinquish access'}
        message={
          relinquishing?.status === 'requested'
            ? `Withdraw your request to ${relinquishing?.tenant.name}?`
            : `Give up your access to ${relinquishing?.tenant.name}? It ends at once; getting it back needs a new request and the tenant's approval.`
        }
        confirmLabel={relinquishing?.status === 'requested' ? 'Withdraw' : 'Relinquish'}
        color="red"
        reason="required"
        busy={relinquish.busy}
        error={relinquish.error}
        onClose={() => {
          setRelinquishing(null);
          relinquish.reset();
        }}
        onConfirm={(reason) => relinquishing && void relinquish.run(relinquishing, reason ?? '')}
      />
    </>
  );
}

function CustomerPanel({ tenantId }: { tenantId: string }) {
  const c = useLoad(() => delegationsApi.customer(tenantId), [tenantId]);
  if (c.error) return <ErrorAlert error={c.error} />;
  if (!c.data) return null;
  const { tenant, delegation: d, billing_accounts, permissions } = c.data;
  return (
    <Stack mt="md" gap="sm" data-testid="customer-panel">
      <SimpleGrid cols={{ base: 1, sm: 4 }}>
        <Field label="Customer" value={`${tenant.name} (${tenant.status})`} />
        <Field label="Role" value={roleName(d.role)} />
        <Field label="Access ends" value={formatDate(d.ends_at)} />
        <Field label="Tier" value={tenant.tier} />
      </SimpleGrid>
      <div>
        <Text size="xs" c="dimmed">
          Billing accounts you may act on
        </Text>
        <Group gap={6} mt={4}>
          {billing_accounts.map((b) => (
            <Badge key={b.id} variant="light">
              {b.account_number} · {b.name}
            </Badge>
          ))}
        </Group>
      </div>
      <div>
        <Text size="xs" c="dimmed">
          What you may do ({permissions.length} permissions)
        </Text>
        <Group gap={6} mt={4} data-testid="customer-permissions">
          {permissions.map((p) => (
            <Badge key={p} variant="outline" color="gray" tt="none">
              {p}
            </Badge>
          ))}
        </Group>
      </div>
    </Stack>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500}>
        {value}
      </Text>
    </div>
  );
}

function RequestLinkModal({ opened, partnerId, onClose, onDone }: { opened: boolean; partnerId: string; onClose(): void; onDone(): void }) {
  const [by, setBy] = useState<'slug' | 'code'>('slug');
  const [ref, setRef] = useState('');
  const [role, setRole] = useState<string | null>('MSP_FULL');
  const [days, setDays] = useState<number | string>(365);
  const [bans, setBans] = useState('');
  const [grant, setGrant] = useState('');
  const [deny, setDeny] = useState('');
  const [justification, setJustification] = useState('');
  const send = useAction((body: LinkRequest) => delegationsApi.requestLink(partnerId, body), {
    success: (d) => `Request sent to ${d.tenant.name}. It becomes active when a tenant admin approves it.`,
    onDone: () => {
      setRef('');
      setBans('');
      setGrant('');
      setDeny('');
      setJustification('');
      onDone();
    },
  });
  const roleInfo = LINK_ROLES.find((r) => r.value === role);
  return (
    <Modal
      opened={opened}
      onClose={() => {
        send.reset();
        onClose();
      }}
      title="Request a link to a customer"
      size="lg"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const body: LinkRequest = {
            role: role ?? 'MSP_FULL',
            justification: justification.trim(),
            ends_at: new Date(Date.now() + Number(days) * DAY).toISOString(),
          };
          if (by === 'slug') body.tenant_slug = ref.trim();
          else body.invite_code = ref.trim().toUpperCase();
          const banList = parseList(bans);
          if (banList.length) body.ban_ids = banList;
          const g = parseList(grant);
          const dn = parseList(deny);
          if (g.length || dn.length) body.overrides = { grant: g, deny: dn };
          void send.run(body);
        }}
      >
        <Stack>
          <SegmentedControl
            value={by}
            onChange={(v) => setBy(v as 'slug' | 'code')}
            data={[
              { value: 'slug', label: 'By slug' },
              { value: 'code', label: 'By invite code' },
            ]}
          />
          <TextInput
            label={by === 'slug' ? 'Tenant slug' : 'Invite code'}
            description={by === 'slug' ? 'The short name of the tenant, e.g. acme-fiber.' : 'The LINK-… code the tenant admin gave you.'}
            required
            value={ref}
            onChange={(e) => setRef(e.currentTarget.value)}
            error={send.fieldError('tenant_slug') ?? send.fieldError('invite_code')}
          />
          <Select label="Role" required data={LINK_ROLES.map((r) => ({ value: r.value, label: r.label }))} value={role} onChange={setRole} description={roleInfo?.description} />
          <Group grow>
            <NumberInput label="Duration (days)" description="At most 730 days (the platform's limit)." min={1} max={3650} required value={days} onChange={setDays} error={send.fieldError('ends_at')} />
            <TextInput label="Billing accounts (optional)" description="Account numbers, comma-separated; empty = all." value={bans} onChange={(e) => setBans(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <TextInput label="Extra permissions (optional)" description="e.g. orders.read" value={grant} onChange={(e) => setGrant(e.currentTarget.value)} />
            <TextInput label="Excluded permissions (optional)" description="e.g. billing.invoices.export" value={deny} onChange={(e) => setDeny(e.currentTarget.value)} />
          </Group>
          <Textarea
            label="Justification"
            description="Shown to the tenant admin who decides, and kept in both audit logs."
            required
            autosize
            minRows={2}
            value={justification}
            onChange={(e) => setJustification(e.currentTarget.value)}
          />
          <ErrorAlert error={send.error} labels={{ ends_at: 'Duration', ban_ids: 'Billing accounts', justification: 'Justification' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={send.busy} leftSection={<IconLink size={16} />}>
              Send request
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RenewModal({ delegation, partnerId, onClose, onDone }: { delegation: DelegationDto | null; partnerId: string; onClose(): void; onDone(): void }) {
  const [days, setDays] = useState<number | string>(365);
  const renew = useAction((d: DelegationDto, endsAt: string) => delegationsApi.renew(partnerId, d.id, endsAt), {
    success: 'Renewal asked: the tenant admin approves the new end date.',
    onDone,
  });
  return (
    <Modal
      opened={!!delegation}
      onClose={() => {
        renew.reset();
        onClose();
      }}
      title={`Renew access to ${delegation?.tenant.name ?? ''}`}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (delegation) void renew.run(delegation, new Date(Date.now() + Number(days) * DAY).toISOString());
        }}
      >
        <Stack>
          <Text size="sm">Access currently ends on {formatDate(delegation?.ends_at)}. The new end date applies once the tenant admin accepts it.</Text>
          <NumberInput label="New duration from today (days)" min={1} max={3650} value={days} onChange={setDays} />
          <ErrorAlert error={renew.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={renew.busy}>
              Ask for renewal
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
