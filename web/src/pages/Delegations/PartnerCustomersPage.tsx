/**
 * Partner side of MSP links: "Customers I manage". Every customer that gave the MSP access, with
 * what it owes, what is overdue, its open tickets, its SLA compliance and when the access ends;
 * search, filter and sort; a customer opens its own page (/partner/customers/:tenantId). Owners
 * request links (by slug or invite code), ask for renewals and relinquish access.
 */
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { allows } from '../../session/access.ts';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Anchor, Badge, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { IconLink, IconPlus, IconSearch } from '@tabler/icons-react';
import { delegationsApi, parseList, type CustomerRow, type DelegationDto, type LinkRequest } from '../../api/delegations.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';
import { useDelegationRoles } from './useDelegationRoles.ts';
import { formatMoney, formatPct, usePermissionWords, useManagedCustomers, type ManagedCustomer } from '../Msp/shared.tsx';
import { PermissionPicker } from '../../components/PermissionPicker.tsx';
import { PurposePicker } from '../../components/PurposePicker.tsx';
import { FormActions } from '../../components/FormActions.tsx';

const DAY = 86_400_000;


/** The reseller whose link a distributor reaches this customer through (the server says so), or null: its own link. */
const throughOf = (r: ManagedCustomer): CustomerRow['through_reseller'] => (r as ManagedCustomer & Partial<Pick<CustomerRow, 'through_reseller'>>).through_reseller ?? null;
/** The reseller filter's value for the customers of the partner's own links. */
const OWN = 'own';

const money = (r: ManagedCustomer, k: 'outstanding_cents' | 'overdue_cents') => (r.metrics ? formatMoney(r.metrics[k], r.metrics.currency) : '—');

/** The managed customers' columns: who, the access, what they owe, tickets, SLA; an owner's actions. */
function customerColumns(roleName: (id: string) => string, on: Record<'renew' | 'relinquish', (d: DelegationDto) => void> | null): Column<ManagedCustomer>[] {
  return [
    {
      key: 'customer',
      title: 'Customer',
      mobile: 'title',
      sortValue: (r) => r.tenant.name,
      render: (r) => {
        const { tenant, delegation: d } = r;
        const through = throughOf(r);
        return (
          <>
            {d.status === 'active' ? (
              <Anchor component={Link} to={`/partner/customers/${tenant.id}`} fw={500} fz="inherit" onClick={(e) => e.stopPropagation()}>
                {tenant.name}
              </Anchor>
            ) : (
              <Text fw={500} fz="inherit">
                {tenant.name}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {roleName(d.role)}
            </Text>
            {through && (
              <Badge variant="light" color="grape" mt={2} data-testid="through-reseller" style={{ textTransform: 'none' }}>
                through {through.name}
              </Badge>
            )}
          </>
        );
      },
    },
    {
      key: 'status',
      title: 'Access',
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
    { key: 'ar', title: 'Receivables', align: 'right', sortValue: (r) => r.metrics?.outstanding_cents, render: (r) => money(r, 'outstanding_cents'), style: { whiteSpace: 'nowrap' } },
    {
      key: 'overdue',
      title: 'Overdue',
      align: 'right',
      sortValue: (r) => r.metrics?.overdue_cents,
      render: (r) => (
        <Text fz="inherit" c={r.metrics?.overdue_cents ? 'red' : undefined}>
          {money(r, 'overdue_cents')}
        </Text>
      ),
      style: { whiteSpace: 'nowrap' },
    },
    { key: 'tickets', title: 'Open tickets', align: 'right', sortValue: (r) => r.metrics?.open_tickets, render: (r) => r.metrics?.open_tickets ?? '—' },
    { key: 'sla', title: 'SLA', align: 'right', sortValue: (r) => r.metrics?.sla_compliance_pct, render: (r) => formatPct(r.metrics?.sla_compliance_pct) },
    { key: 'ends', title: 'Access ends', sortValue: (r) => r.delegation.ends_at, render: ({ delegation: d }) => formatDate(d.ends_at) },
    ...(on
      ? [
          {
            key: 'actions',
            title: '',
            label: 'Actions',
            mobile: 'footer' as const,
            // a reseller's link is the reseller's and its customer's: the distributor neither renews nor gives it up
            render: (r: ManagedCustomer) => {
              const d = r.delegation;
              return throughOf(r) ? null : (
                <Group gap="xs" justify="flex-end" wrap="nowrap" onClick={(e) => e.stopPropagation()}>
                  {d.status === 'active' && (
                    <Button size="xs" variant="default" onClick={() => on.renew(d)}>
                      Renew
                    </Button>
                  )}
                  {(d.status === 'active' || d.status === 'requested') && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => on.relinquish(d)}>
                      {d.status === 'requested' ? 'Withdraw' : 'Relinquish'}
                    </Button>
                  )}
                </Group>
              );
            },
          },
        ]
      : []),
  ];
}

type State<T> = [T, (v: T) => void];

/** Search by name, filter by access and role, and show the ended and rejected links too. */
function CustomerFilters({ q, status, role, reseller, history, roleOptions, resellerOptions }: { q: State<string>; status: State<string | null>; role: State<string | null>; reseller: State<string | null>; history: State<boolean>; roleOptions: { value: string; label: string }[]; resellerOptions: { value: string; label: string }[] }) {
  return (
    <Group align="flex-end" justify="space-between" wrap="wrap">
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Search" placeholder="Customer name" leftSection={<IconSearch size={14} />} value={q[0]} onChange={(e) => q[1](e.currentTarget.value)} w={{ base: '100%', sm: 220 }} data-testid="customer-search" />
        {!history[0] && (
          <Select
            label="Access"
            placeholder="Any"
            clearable
            data={[
              { value: 'active', label: 'Active' },
              { value: 'requested', label: 'Waiting for approval' },
            ]}
            value={status[0]}
            onChange={status[1]}
            w={{ base: '100%', sm: 190 }}
          />
        )}
        <Select label="Role" placeholder="Any role" clearable data={roleOptions} value={role[0]} onChange={role[1]} w={{ base: '100%', sm: 190 }} />
        {resellerOptions.length > 0 && (
          <Select
            label="Reseller"
            placeholder="Any"
            clearable
            data={[{ value: OWN, label: 'Your own links' }, ...resellerOptions]}
            value={reseller[0]}
            onChange={reseller[1]}
            w={{ base: '100%', sm: 210 }}
            data-testid="customer-reseller"
          />
        )}
      </Group>
      <Switch label="Show ended and rejected" checked={history[0]} onChange={(e) => history[1](e.currentTarget.checked)} />
    </Group>
  );
}

/** The filters' state and the rows they leave: name, access, role and — for a distributor — the reseller. */
function useCustomerFilters(all: ManagedCustomer[], roleName: (id: string) => string, history: State<boolean>) {
  const q = useState('');
  const status = useState<string | null>(null);
  const role = useState<string | null>(null);
  const reseller = useState<string | null>(null);
  const rows = useMemo(() => {
    const needle = q[0].trim().toLowerCase();
    return all.filter(
      (r) =>
        (!needle || `${r.tenant.name} ${r.tenant.slug}`.toLowerCase().includes(needle)) &&
        (!status[0] || r.delegation.status === status[0]) &&
        (!role[0] || r.delegation.role === role[0]) &&
        (!reseller[0] || (throughOf(r)?.id ?? OWN) === reseller[0]),
    );
  }, [all, q[0], status[0], role[0], reseller[0]]);
  // a distributor's resellers it reaches customers through, by name
  const resellers = new Map(all.map(throughOf).flatMap((t) => (t ? [[t.id, t.name] as const] : [])));
  const resellerOptions = [...resellers].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  const roleOptions = [...new Set(all.map((r) => r.delegation.role))].map((r) => ({ value: r, label: roleName(r) }));
  return { rows, filters: { q, status, role, reseller, history, roleOptions, resellerOptions } };
}

export function PartnerCustomersPage() {
  const partner = useView().partner!;
  const navigate = useNavigate();
  const isOwner = allows(partner, 'partner.delegations.manage');
  const history = useState(false);
  const list = useManagedCustomers({ history: history[0] });
  const roles = useDelegationRoles();
  const { rows, filters } = useCustomerFilters(list.rows, roles.name, history);
  const [requesting, setRequesting] = useState(false);
  const [renewing, setRenewing] = useState<DelegationDto | null>(null);
  const [relinquishing, setRelinquishing] = useState<DelegationDto | null>(null);

  const relinquish = useApiMutation((d: DelegationDto, reason: string) => delegationsApi.relinquish(partner.partner_id, d.id, reason), {
    success: (d) => (d.status === 'revoked' ? `Access to ${d.tenant.name} given up.` : 'Done.'),
    onDone: () => {
      setRelinquishing(null);
      list.reload();
    },
  });

  const filtered = filters.q[0] || filters.status[0] || filters.role[0] || filters.reseller[0];
  return (
    <>
      <PageHeader
        title="Customers I manage"
        description={`Every customer that gave your organization access, with what it owes, its open tickets and how well its service levels are met. Open a customer to see its invoices, tickets and orders and to act for it.${filters.resellerOptions.length > 0 ? " A customer marked “through” a reseller is one of your resellers' customers whose admin lets you act through the reseller's link; it leaves this list as soon as they turn that off." : ''}`}
        actions={
          isOwner && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setRequesting(true)}>
              Request a link
            </Button>
          )
        }
      />
      <Stack>
        <CustomerFilters {...filters} />
        <ErrorAlert error={list.error} />
        <DataTable
          testId="partner-delegations"
          records={rows}
          loading={list.loading}
          rowKey={(r) => r.delegation.id}
          rowProps={(r) => ({ 'data-tenant': r.tenant.slug, 'data-tenant-id': r.tenant.id, 'data-access': r.delegation.status, 'data-through': throughOf(r)?.name ?? '' })}
          onRowClick={(r) => r.delegation.status === 'active' && navigate(`/partner/customers/${r.tenant.id}`)}
          defaultSort={{ key: 'customer', direction: 'asc' }}
          empty={
            filtered
              ? 'No customer matches these filters.'
              : history[0]
                ? 'Nothing here yet.'
                : 'No customer has given you access yet. Request a link with the customer’s short name or the invite code its admin gave you.'
          }
          columns={customerColumns(roles.name, isOwner ? { renew: setRenewing, relinquish: setRelinquishing } : null)}
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
            : `Give up your access to ${relinquishing?.tenant.name}? It ends at once; getting it back needs a new request and the customer's approval.`
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

interface LinkValues {
  by: 'slug' | 'code';
  ref: string;
  role: string | null;
  days: number | string;
  bans: string;
  grant: string[];
  deny: string[];
  purposes: string[];
  justification: string;
}

const PURPOSES_HINT = "The customer's admin reads these before deciding, and can take back each one later. Calls for a purpose not ticked here are refused.";

const days = (v: number | string) => (typeof v === 'number' && v >= 1 && v <= 3650 ? undefined : 'Enter a number of days (at least 1).');

function RequestLinkModal({ opened, partnerId, onClose, onDone }: { opened: boolean; partnerId: string; onClose(): void; onDone(): void }) {
  const send = useApiMutation((body: LinkRequest) => delegationsApi.requestLink(partnerId, body), {
    success: (d) => `Request sent to ${d.tenant.name}. It becomes active when a tenant admin approves it.`,
    onDone,
  });
  const form = useApiForm<LinkValues>(
    {
      initialValues: { by: 'slug', ref: '', role: 'MSP_FULL', days: 365, bans: '', grant: [], deny: [], purposes: [], justification: '' },
      validate: {
        ref: (v, f) => required(v, f.by === 'slug' ? 'Enter the customer’s short name, e.g. acme-fiber.' : 'Enter the invite code the tenant admin gave you.'),
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
  const words = usePermissionWords();
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
          const g = f.grant;
          const dn = f.deny;
          if (g.length || dn.length) body.overrides = { grant: g, deny: dn };
          if (f.purposes.length) body.purposes = f.purposes;
          return send.run(body);
        })}
      >
        <Stack>
          <SegmentedControl
            {...form.getInputProps('by')}
            data={[
              { value: 'slug', label: 'By short name' },
              { value: 'code', label: 'By invite code' },
            ]}
          />
          <TextInput
            label={v.by === 'slug' ? 'Customer short name' : 'Invite code'}
            description={v.by === 'slug' ? 'As it appears in the customer’s portal address, e.g. acme-fiber.' : 'The LINK-… code the customer’s admin gave you.'}
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
                ? `${roleInfo.description} Lets you: ${roleInfo.grants.length ? roleInfo.grants.map(words.word).join('; ') : 'nothing of its own (only the extra permissions below)'}.`
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
            <PermissionPicker label="Also ask for (optional)" description="Permissions beyond the role." {...form.getInputProps('grant')} />
            <PermissionPicker label="Leave out (optional)" description="Permissions of the role you do not need." {...form.getInputProps('deny')} />
          </Group>
          <PurposePicker label="What you need the access for" description={PURPOSES_HINT} {...form.getInputProps('purposes')} />
          <Textarea
            label="Justification"
            description="Shown to the tenant admin who decides, and kept in both audit logs."
            withAsterisk
            autosize
            minRows={2}
            {...form.getInputProps('justification')}
          />
          <ErrorAlert error={send.error} labels={{ ends_at: 'Duration', ban_ids: 'Billing accounts', justification: 'Justification', purposes: 'What you need the access for' }} />
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
          <FormActions onCancel={onClose} busy={renew.busy} submitLabel="Ask for renewal" />
        </Stack>
      </form>
    </Modal>
  );
}
