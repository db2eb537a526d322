/**
 * Partner side of seed 001: "Customers I manage". The tenant switcher sets the customer the
 * partner user acts on: the portal then sends it as X-Active-Tenant-Id on the requests for that
 * customer (the effective context from GET /api/v1/partner/context, and the customer's invoices,
 * orders and tickets read through the gateway with the session), and the server checks each one
 * against the partner's delegation. Owners request links (by slug or invite code), ask for
 * renewals and relinquish access.
 */
import { DataTable } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useState } from 'react';
import { Badge, Button, Code, Group, Modal, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconLink, IconPlus, IconSwitchHorizontal } from '@tabler/icons-react';
import { ACTIVE_TENANT_HEADER, delegationsApi, parseList, type DelegationDto, type LinkRequest } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, originLabel } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { useManagedTenant } from './managedTenant.ts';

const DAY = 86_400_000;

export function PartnerCustomersPage() {
  const partner = useView().partner!;
  const isOwner = allows(partner, 'partner.delegations.manage');
  const [history, setHistory] = useState(false);
  const list = useApiQuery(['delegations', 'customers', history], () => delegationsApi.customers(history ? 'expired,revoked,rejected' : 'requested,active'));
  const roles = useDelegationRoles();
  const [active, setActive] = useManagedTenant(partner.partner_id);
  const [requesting, setRequesting] = useState(false);
  const [renewing, setRenewing] = useState<DelegationDto | null>(null);
  const [relinquishing, setRelinquishing] = useState<DelegationDto | null>(null);

  const relinquish = useApiMutation((d: DelegationDto, reason: string) => delegationsApi.relinquish(partner.partner_id, d.id, reason), {
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
        description="Customers (tenants) that gave your organization access. Choose one as the active customer to see and act on its data — each action is checked against the access that customer gave you."
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
              data={[
                ...switchable.map((r) => ({ value: r.tenant.id, label: `${r.tenant.name} (${r.tenant.slug})` })),
                // a customer chosen earlier whose access has ended stays visible, so the refusal below makes sense
                ...(active && list.data && !switchable.some((r) => r.tenant.id === active) ? [{ value: active, label: `${active} (no active access)` }] : []),
              ]}
              value={active}
              onChange={setActive}
              searchable
              clearable
              w={360}
              data-testid="tenant-switcher"
            />
            {active && (
              <Text size="sm" c="dimmed" pb={6} data-testid="active-tenant-header">
                <IconSwitchHorizontal size={14} style={{ verticalAlign: 'middle' }} /> Requests for this customer carry{' '}
                <Code>
                  {ACTIVE_TENANT_HEADER}: {active}
                </Code>
              </Text>
            )}
          </Group>
          {active && <ActiveContext tenantId={active} />}
        </Paper>

        <Group justify="space-between">
          <Title order={4}>{history ? 'Past access' : 'Current and requested access'}</Title>
          <Switch label="Show ended and rejected" checked={history} onChange={(e) => setHistory(e.currentTarget.checked)} />
        </Group>
        <ErrorAlert error={list.error} />
        <DataTable
          testId="partner-delegations"
          records={rows}
          loading={list.loading}
          rowKey={(r) => r.delegation.id}
          rowProps={({ tenant, delegation: d }) => ({ 'data-tenant': tenant.slug, 'data-delegation': d.id })}
          empty={history ? 'Nothing here yet.' : 'No customer has given you access yet. Request a link with the tenant’s slug or the invite code its admin gave you.'}
          columns={[
            {
              key: 'customer',
              title: 'Customer',
              mobile: 'title',
              sortValue: (r) => r.tenant.name,
              render: ({ tenant, delegation: d }) => (
                <>
                  <Text fw={500} fz="inherit">
                    {tenant.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {tenant.slug} · {originLabel(d.origin)}
                  </Text>
                </>
              ),
            },
            { key: 'role', title: 'Role', sortValue: (r) => roles.name(r.delegation.role), render: (r) => roles.name(r.delegation.role) },
            {
              key: 'status',
              title: 'Status',
              sortValue: (r) => r.delegation.status,
              render: ({ delegation: d }) => (
                <>
                  <StatusBadge status={d.status} />
                  {d.renewal_ends_at && (
                    <Badge ml={4} variant="outline" color="yellow">
                      renewal to {formatDate(d.renewal_ends_at)} asked
                    </Badge>
                  )}
                </>
              ),
            },
            { key: 'bans', title: 'Billing accounts', render: ({ delegation: d }) => (d.ban_ids ? `${d.ban_ids.length} selected` : 'All') },
            { key: 'ends', title: 'Ends', sortValue: (r) => r.delegation.ends_at, render: ({ delegation: d }) => formatDate(d.ends_at) },
            ...(isOwner
              ? [
                  {
                    key: 'actions',
                    title: '',
                    label: 'Actions',
                    mobile: 'footer' as const,
                    render: ({ delegation: d }: (typeof rows)[number]) => (
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
                    ),
                  },
                ]
              : []),
          ]}
        />
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

/**
 * What the server makes of the active customer: GET /api/v1/partner/context with
 * X-Active-Tenant-Id (the tenant, how you reach it, the role, the billing accounts and your
 * permissions), or the refusal (revoked, expired, approver gone …) with its reason.
 */
function ActiveContext({ tenantId }: { tenantId: string }) {
  const roles = useDelegationRoles();
  const c = useApiQuery(['delegations', 'context', tenantId], () => delegationsApi.context(tenantId));
  if (c.error) {
    return (
      <Stack mt="md" gap="xs" data-testid="active-context" data-state="refused">
        <Text size="sm" fw={600}>
          Effective context
        </Text>
        <ErrorAlert error={c.error} />
      </Stack>
    );
  }
  if (!c.data) return null;
  const x = c.data;
  return (
    <>
      <Paper withBorder radius="md" p="sm" mt="md" bg="var(--mantine-color-gray-0)" data-testid="active-context" data-state="allowed" data-tenant={x.tenant_id}>
        <Text size="xs" c="dimmed">
          Effective context (GET /api/v1/partner/context)
        </Text>
        <Text size="sm" my={6}>
          Acting on <Code>{x.tenant_id}</Code> {x.via === 'delegation' ? 'through delegation' : `as a ${x.via}`} {x.delegation_id && <Code>{x.delegation_id}</Code>}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label="Role" value={x.role ? roles.name(x.role) : '—'} />
          <Field label="Billing accounts" value={x.ban_ids === null ? 'All' : `${x.ban_ids.length} covered`} />
          <Field label="Permissions" value={String(x.permissions.length)} />
        </SimpleGrid>
        <CustomerData tenantId={tenantId} permissions={x.permissions} />
      </Paper>
      <CustomerPanel tenantId={tenantId} />
    </>
  );
}

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
interface InvoiceRow {
  id: string;
  number: string;
  period: string;
  total_cents: number;
  currency: string;
  status: string;
}
interface OrderRow {
  id: string;
  product_name: string;
  quantity: number;
  status: string;
  created_at: string;
}
interface TicketRow {
  id: string;
  number: string;
  subject: string;
  priority: string;
  status: string;
}

/** The customer's own data, read through the gateway with the session and X-Active-Tenant-Id: a tab per permission you hold. */
function CustomerData({ tenantId, permissions }: { tenantId: string; permissions: string[] }) {
  const tabs = [
    { value: 'invoices', label: 'Invoices', permission: 'billing.invoices.read' },
    { value: 'orders', label: 'Orders', permission: 'orders.read' },
    { value: 'tickets', label: 'Tickets', permission: 'support.tickets.read' },
  ].filter((t) => permissions.includes(t.permission));
  const [tab, setTab] = useState<string | null>(null);
  if (tabs.length === 0) {
    return (
      <Text size="sm" c="dimmed" mt="sm" data-testid="customer-data">
        Your role on this customer reads none of its invoices, orders or tickets.
      </Text>
    );
  }
  const current = tab && tabs.some((t) => t.value === tab) ? tab : tabs[0].value;
  return (
    <Tabs value={current} onChange={setTab} mt="sm" data-testid="customer-data">
      <Tabs.List>
        {tabs.map((t) => (
          <Tabs.Tab key={t.value} value={t.value}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value={current} pt="xs">
        {current === 'invoices' && (
          <ResourceTable<InvoiceRow>
            tenantId={tenantId}
            path="/invoices"
            testId="customer-invoices"
            columns={['Invoice', 'Period', 'Total', 'Status']}
            row={(i) => [i.number, i.period, `${(i.total_cents / 100).toFixed(2)} ${i.currency}`, i.status]}
          />
        )}
        {current === 'orders' && (
          <ResourceTable<OrderRow>
            tenantId={tenantId}
            path="/orders"
            testId="customer-orders"
            columns={['Product', 'Quantity', 'Status', 'Placed']}
            row={(o) => [o.product_name, String(o.quantity), o.status, formatDate(o.created_at)]}
          />
        )}
        {current === 'tickets' && (
          <ResourceTable<TicketRow>
            tenantId={tenantId}
            path="/tickets"
            testId="customer-tickets"
            columns={['Ticket', 'Subject', 'Priority', 'Status']}
            row={(t) => [t.number, t.subject, t.priority, t.status]}
          />
        )}
      </Tabs.Panel>
    </Tabs>
  );
}

function ResourceTable<T extends { id: string }>({
  tenantId,
  path,
  testId,
  columns,
  row,
}: {
  tenantId: string;
  path: string;
  testId: string;
  columns: string[];
  row(x: T): string[];
}) {
  const r = useApiQuery(['delegations', 'resource', tenantId, path], () => delegationsApi.resource<Page<T>>(tenantId, path, { limit: 10 }));
  if (r.error) return <ErrorAlert error={r.error} />;
  if (!r.data) return null;
  return (
    <DataTable
      testId={testId}
      verticalSpacing={4}
      fz="sm"
      records={r.data.data}
      rowKey={(x) => x.id}
      rowProps={(x) => ({ 'data-number': (x as { number?: string }).number })}
      empty="Nothing yet."
      columns={columns.map((c, i) => ({ key: c, title: c, mobile: i === 0 ? ('title' as const) : undefined, render: (x: T) => row(x)[i] }))}
    />
  );
}

function CustomerPanel({ tenantId }: { tenantId: string }) {
  const roles = useDelegationRoles();
  const c = useApiQuery(['delegations', 'customer', tenantId], () => delegationsApi.customer(tenantId));
  if (c.error) return <ErrorAlert error={c.error} />;
  if (!c.data) return null;
  const { tenant, delegation: d, billing_accounts, permissions } = c.data;
  return (
    <Stack mt="md" gap="sm" data-testid="customer-panel">
      <SimpleGrid cols={{ base: 1, sm: 4 }}>
        <Field label="Customer" value={`${tenant.name} (${tenant.status})`} />
        <Field label="Role" value={roles.name(d.role)} />
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

interface LinkValues {
  by: 'slug' | 'code';
  ref: string;
  role: string | null;
  days: number | string;
  bans: string;
  grant: string;
  deny: string;
  justification: string;
}

const days = (v: number | string) => (typeof v === 'number' && v >= 1 && v <= 3650 ? undefined : 'Enter a number of days (at least 1).');

function RequestLinkModal({ opened, partnerId, onClose, onDone }: { opened: boolean; partnerId: string; onClose(): void; onDone(): void }) {
  const send = useApiMutation((body: LinkRequest) => delegationsApi.requestLink(partnerId, body), {
    success: (d) => `Request sent to ${d.tenant.name}. It becomes active when a tenant admin approves it.`,
    onDone,
  });
  const form = useApiForm<LinkValues>(
    {
      initialValues: { by: 'slug', ref: '', role: 'MSP_FULL', days: 365, bans: '', grant: '', deny: '', justification: '' },
      validate: {
        ref: (v, f) => required(v, f.by === 'slug' ? 'Enter the tenant’s slug, e.g. acme-fiber.' : 'Enter the invite code the tenant admin gave you.'),
        role: (v) => required(v, 'Pick the role the partner asks for.'),
        days,
        justification: (v) => required(v, 'Say why you need access; the tenant admin reads it before deciding.'),
      },
    },
    send,
    { resetWhen: opened },
  );
  const v = form.values;
  const e = form.errors;
  const roles = useDelegationRoles();
  const roleInfo = roles.get(v.role);
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
        noValidate
        onSubmit={form.submit((f) => {
          const body: LinkRequest = {
            role: f.role ?? 'MSP_FULL',
            justification: f.justification.trim(),
            ends_at: new Date(Date.now() + Number(f.days) * DAY).toISOString(),
          };
          if (f.by === 'slug') body.tenant_slug = f.ref.trim();
          else body.invite_code = f.ref.trim().toUpperCase();
          const banList = parseList(f.bans);
          if (banList.length) body.ban_ids = banList;
          const g = parseList(f.grant);
          const dn = parseList(f.deny);
          if (g.length || dn.length) body.overrides = { grant: g, deny: dn };
          return send.run(body);
        })}
      >
        <Stack>
          <SegmentedControl
            {...form.getInputProps('by')}
            data={[
              { value: 'slug', label: 'By slug' },
              { value: 'code', label: 'By invite code' },
            ]}
          />
          <TextInput
            label={v.by === 'slug' ? 'Tenant slug' : 'Invite code'}
            description={v.by === 'slug' ? 'The short name of the tenant, e.g. acme-fiber.' : 'The LINK-… code the tenant admin gave you.'}
            withAsterisk
            {...form.getInputProps('ref')}
            error={e.ref ?? e.tenant_slug ?? e.invite_code}
          />
          <Select
            label="Role"
            withAsterisk
            data={roles.linkRoles.map((r) => ({ value: r.id, label: r.name }))}
            {...form.getInputProps('role')}
            description={
              roleInfo
                ? `${roleInfo.description} Grants: ${roleInfo.grants.length ? roleInfo.grants.join(', ') : 'nothing of its own (only the extra permissions below)'}.`
                : undefined
            }
            error={roles.error ? 'The role catalog could not be loaded.' : e.role}
            data-testid="link-role"
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Duration (days)"
              description="At most 730 days (the platform's limit)."
              min={1}
              max={3650}
              withAsterisk
              {...form.getInputProps('days')}
              error={e.days ?? e.ends_at}
            />
            <TextInput
              label="Billing accounts (optional)"
              description="Account numbers, comma-separated; empty = all."
              {...form.getInputProps('bans')}
              error={e.bans ?? e.ban_ids}
            />
          </Group>
          <Group grow align="flex-start">
            <TextInput label="Extra permissions (optional)" description="e.g. orders.read" {...form.getInputProps('grant')} />
            <TextInput label="Excluded permissions (optional)" description="e.g. billing.invoices.export" {...form.getInputProps('deny')} />
          </Group>
          <Textarea
            label="Justification"
            description="Shown to the tenant admin who decides, and kept in both audit logs."
            withAsterisk
            autosize
            minRows={2}
            {...form.getInputProps('justification')}
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
  const renew = useApiMutation((d: DelegationDto, endsAt: string) => delegationsApi.renew(partnerId, d.id, endsAt), {
    success: 'Renewal asked: the tenant admin approves the new end date.',
    onDone,
  });
  const form = useApiForm<{ days: number | string }>({ initialValues: { days: 365 }, validate: { days } }, renew, { resetWhen: !!delegation });
  return (
    <Modal
      opened={!!delegation}
      onClose={() => {
        renew.reset();
        onClose();
      }}
      title={`Renew access to ${delegation?.tenant.name ?? ''}`}
    >
      <form noValidate onSubmit={form.submit((f) => delegation && renew.run(delegation, new Date(Date.now() + Number(f.days) * DAY).toISOString()))}>
        <Stack>
          <Text size="sm">Access currently ends on {formatDate(delegation?.ends_at)}. The new end date applies once the tenant admin accepts it.</Text>
          <NumberInput label="New duration from today (days)" min={1} max={3650} withAsterisk {...form.getInputProps('days')} error={form.errors.days ?? form.errors.ends_at} />
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
